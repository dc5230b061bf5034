// Runs Debian's curl as a mail client (IMAP, POP3) with a user and password, collecting its output.
import { spawn } from 'node:child_process';

export interface CurlResult {
  code: number | null;
  /** Latin-1, so message bytes come back one character per byte. */
  stdout: string;
  stderr: string;
}

export function runCurl(user: string, password: string, args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--show-error', '--max-time', '20', '--user', `${user}:${password}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
