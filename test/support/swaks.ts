// Runs swaks (Debian's SMTP test tool) and collects its transcript; a machine without it skips the tests that need it, CI does not.
import { spawn, spawnSync } from 'node:child_process';

const HAVE_SWAKS = spawnSync('swaks', ['--version'], { stdio: 'ignore' }).status === 0;
// .ci/run installs swaks; a developer machine without it skips, CI must not.
export const SKIP_WITHOUT_SWAKS = !HAVE_SWAKS && process.env.CI !== 'true';

/** `swaks ARGS` to completion: its exit code and everything it printed (the SMTP transcript). */
export function swaks(args: string[]): Promise<{ code: number | null; transcript: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let transcript = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (transcript += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (transcript += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, transcript }));
  });
}
