// A small POP3 client for the bench: one command at a time as download clients send them, responses framed (status line, or up to the terminating dot) and counted, not kept.
import { connectBenchClient } from '../bench-client.mjs';

const TERMINATOR = Buffer.from('\r\n.\r\n');

export class POP3BenchClient {
  constructor(socket) {
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    /** { multi, resolve, reject }: what the next response is awaited as. */
    this.waiter = null;
    /** Octets of multi-line response bodies received (RETR: the message bytes, dot-stuffed). */
    this.bodyBytes = 0;
    this.closed = false;
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.reject(new Error('connection closed'));
      this.waiter = null;
    });
    socket.on('error', () => undefined);
  }

  /** Connects and reads the greeting. */
  static connect(port, host = '127.0.0.1') {
    return connectBenchClient({ port, host, create: (socket) => new POP3BenchClient(socket), greeting: { multi: false } });
  }

  #onData(chunk) {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.waiter) {
      const lf = this.pending.indexOf(0x0a);
      if (lf < 0) return;
      const ok = this.pending[0] === 0x2b; // '+'
      if (!this.waiter.multi || !ok) {
        const line = this.pending.toString('latin1', 0, lf + 1);
        this.pending = this.pending.subarray(lf + 1);
        this.#settle(ok, line);
        continue;
      }
      // Multi-line: the body ends with CRLF.CRLF; the status line's CRLF counts as the first CRLF
      // when the body is empty.
      const end = this.pending.indexOf(TERMINATOR, lf - 1);
      if (end < 0) return;
      const status = this.pending.toString('latin1', 0, lf + 1);
      const bodyEnd = Math.max(lf + 1, end + 2);
      this.bodyBytes += bodyEnd - (lf + 1);
      const body = this.waiter.capture ? this.pending.toString('latin1', lf + 1, bodyEnd) : '';
      this.pending = this.pending.subarray(end + TERMINATOR.length);
      this.#settle(true, this.waiter.capture ? { status, body } : status);
    }
  }

  #settle(ok, line) {
    const waiter = this.waiter;
    this.waiter = null;
    if (ok) waiter.resolve(line);
    else waiter.reject(new Error(`server said: ${line.trimEnd()}`));
  }

  /** Sends one command and resolves with the status line, or { status, body } with `capture` (-ERR rejects). */
  command(text, { multi = false, capture = false } = {}) {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.waiter = { multi, capture, resolve, reject };
      this.socket.write(`${text}\r\n`);
    });
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * One download session as POP3 clients run it: USER, PASS, LIST, RETR of `retr` messages from the
 * `offset`-th on (wrapping; all when retr is undefined), QUIT. Returns the messages listed, the
 * messages retrieved and their body octets.
 */
export async function downloadSession(port, { user, password, retr, offset = 0 }) {
  const client = await POP3BenchClient.connect(port);
  try {
    await client.command(`USER ${user}`);
    await client.command(`PASS ${password}`);
    const { body } = await client.command('LIST', { multi: true, capture: true });
    const numbers = body.split('\r\n').filter(Boolean).map((line) => line.split(' ')[0]);
    const start = client.bodyBytes;
    const count = Math.min(retr ?? numbers.length, numbers.length);
    for (let i = 0; i < count; i++) await client.command(`RETR ${numbers[(offset + i) % numbers.length]}`, { multi: true });
    const bytes = client.bodyBytes - start;
    await client.command('QUIT');
    return { listed: numbers.length, messages: count, bytes };
  } finally {
    client.close();
  }
}
