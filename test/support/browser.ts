// Debian's Chromium for browser tests: where it is, whether a test file may skip without it, how to launch it, and the built webmail it opens.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Without these the browser tries the network (updates, QUIC, sync) and stalls on a machine without it. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * True when the browser test `name` must be skipped: Chromium is absent and this is not CI (where
 * .ci/run installs it, so its absence is a failure, not a skip). Says so in one line.
 */
export function chromiumUnavailable(name: string): boolean {
  const skip = !fs.existsSync(CHROMIUM) && process.env.CI !== 'true';
  if (skip) console.log(`${name} skipped: ${CHROMIUM} is absent (apt-get install chromium); with CI=true it runs and fails instead.`);
  return skip;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 10_000 });
}

/** `npm test` builds first; a lone run of a browser test file builds the webmail itself when it is missing. */
export function ensureWebmailBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
