// Runs a Python client written by others (imaplib, poplib, smtplib) as a child: the steps go in as JSON on stdin, the results come back as JSON on stdout.
import { spawn } from 'node:child_process';

/** `python3 ARGS` (a script file, or `-c` and its text) with `input` as JSON on stdin; rejects with stderr on a failed exit or output that is not JSON. */
export function runPython<T>(args: string[], input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python3 exited ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch (error) {
        reject(new Error(`python3 printed no JSON (${(error as Error).message}): ${stdout} ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
