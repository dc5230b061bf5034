// Reads a password from standard input (`--password-stdin`): never from argv, where `ps` and shell history would see it.
import { MailwardError } from '../errors/index.js';

/** Reads all of stdin (or one line from a terminal, without echo) and drops the final line break. */
export async function readSecretFromStdin(options: { prompt?: string } = {}): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return readFromTerminal(options.prompt ?? 'Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.from(chunk as Buffer));
    if (chunks.reduce((n, c) => n + c.length, 0) > 4096) {
      throw new MailwardError('TOO_BIG', { message: 'password on stdin: more than 4096 bytes' });
    }
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text.includes('\n')) throw new MailwardError('INVALID_INPUT', { message: 'password on stdin: expected one line' });
  if (text === '') throw new MailwardError('INVALID_INPUT', { message: 'password on stdin: empty' });
  return text;
}

async function readFromTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let value = '';
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return value;
        if (ch === '\u0003') throw new MailwardError('INVALID_INPUT', { message: 'cancelled' });
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    }
    return value;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
