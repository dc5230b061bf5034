// Dovecot's imaptest (the IMAP conformance and stress tester servers run in their own suites) against a real `mailward serve`: where the binary is, a server with one account to point it at, and its report.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ServeHandle } from './cli.js';
import { startServe, tempDataDir, withDataDir } from './cli.js';

/** A build of imaptest with its scripted tests in `tests/`; `IMAPTEST_DIR` names another. */
export const IMAPTEST_DIR = process.env.IMAPTEST_DIR ?? '/work/shared/tools/imaptest';
export const IMAPTEST = path.join(IMAPTEST_DIR, 'imaptest');
export const IMAPTEST_TESTS = path.join(IMAPTEST_DIR, 'tests');

/** True when the test `name` must be skipped because there is no imaptest binary; says so in one line. */
export function imaptestUnavailable(name: string): boolean {
  if (fs.existsSync(IMAPTEST)) return false;
  console.log(`${name} skipped: no imaptest binary at ${IMAPTEST} (set IMAPTEST_DIR to a directory holding a build of Dovecot's imaptest and its tests/)`);
  return true;
}

const USER = 'imaptest@example.test';
const PASSWORD = 'Kq7vz3mw-long-9x';

export interface ImaptestTarget {
  serve: ServeHandle;
  /** imaptest's own arguments for the server and account: host, implicit-TLS port, ssl, user, pass. */
  args: string[];
}

/**
 * `mailward serve` on a fresh data directory with one account, every listener on port 0. imaptest
 * has no STARTTLS, so it is pointed at the implicit-TLS port and takes the self-signed certificate.
 */
export async function startImaptestTarget(): Promise<ImaptestTarget> {
  const data = tempDataDir('mailward-imaptest-');
  await withDataDir(data, async (app) => {
    await app.accounts.addDomain('example.test');
    await app.accounts.addUser({ address: USER, password: PASSWORD });
  });
  // Stress runs open many sessions of one account from one address at once.
  const serve = await startServe({ data, env: { MAILWARD_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: '500', MAILWARD_IMAP_MAX_CONNECTIONS_PER_IP: '1000' } });
  const port = serve.listeners.imaps?.port;
  if (!port) throw new Error('mailward serve did not say where IMAPS listens');
  return { serve, args: ['host=127.0.0.1', `port=${port}`, 'ssl=any-cert', `user=${USER}`, `pass=${PASSWORD}`] };
}

export interface ImaptestRun {
  /** Exit code (null after a signal). */
  code: number | null;
  /** stdout and stderr together, in the order imaptest wrote them as far as the pipes tell. */
  output: string;
  /** Every line that starts with `Error:`: a protocol violation or a failed command. */
  errors: string[];
}

/** Runs imaptest with these arguments (after the target's) and collects what it printed. */
export function runImaptest(target: ImaptestTarget, args: string[], options: { timeoutMs: number }): Promise<ImaptestRun> {
  return new Promise((resolve, reject) => {
    execFile(IMAPTEST, [...target.args, ...args], { timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      if (error !== null && code === null && error.killed) return reject(new Error(`imaptest did not finish in ${options.timeoutMs} ms:\n${stdout}${stderr}`));
      if (error !== null && code === null) return reject(error);
      const output = `${stdout}${stderr}`;
      resolve({ code, output, errors: output.split('\n').filter((line) => line.startsWith('Error:')) });
    });
  });
}
