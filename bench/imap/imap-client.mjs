// A small pipelining IMAP client for the bench: the same bytes go to Mailward and to Dovecot, and responses are only framed and counted.
import { connectBenchClient } from '../bench-client.mjs';

/**
 * Frames server output into lines, skipping literal payloads ({n}\r\n + n bytes) but counting
 * their bytes, so a 1 GB FETCH costs no more memory than one socket buffer.
 */
export class IMAPBenchClient {
  constructor(socket) {
    this.socket = socket;
    this.pending = Buffer.alloc(0);
    this.literalLeft = 0;
    this.literalBytes = 0;
    this.fetches = 0;
    this.waiter = null;
    this.tag = 0;
    this.closed = false;
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.reject(new Error('connection closed'));
    });
    socket.on('error', () => undefined);
  }

  static connect(port, host = '127.0.0.1') {
    return connectBenchClient({ port, host, create: (socket) => new IMAPBenchClient(socket), greeting: { untagged: /^\* (OK|PREAUTH)/ } });
  }

  #onData(chunk) {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, data.length - offset);
        this.literalLeft -= take;
        this.literalBytes += take;
        offset += take;
        if (this.literalLeft > 0) break;
        continue;
      }
      const lf = data.indexOf(0x0a, offset);
      if (lf === -1) break;
      const line = data.toString('latin1', offset, lf + 1);
      offset = lf + 1;
      const literal = /\{(\d+)\}\r\n$/.exec(line);
      if (literal) this.literalLeft = Number(literal[1]);
      this.#onLine(line);
    }
    this.pending = offset < data.length ? Buffer.from(data.subarray(offset)) : Buffer.alloc(0);
  }

  #onLine(line) {
    if (line.startsWith('* ') && / FETCH \(/.test(line)) this.fetches++;
    const waiter = this.waiter;
    if (!waiter) return;
    if (waiter.untagged && waiter.untagged.test(line)) {
      this.waiter = null;
      waiter.resolve(line);
    } else if (waiter.tag && line.startsWith(`${waiter.tag} `)) {
      this.waiter = null;
      if (line.startsWith(`${waiter.tag} OK`)) waiter.resolve(line);
      else waiter.reject(new Error(`${line.trim()}`));
    }
  }

  /** Sends a command and resolves with its tagged OK line (rejects on NO/BAD). */
  command(text) {
    const tag = `b${++this.tag}`;
    return new Promise((resolve, reject) => {
      this.waiter = { tag, resolve, reject };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** Sends IDLE and resolves once the server says `+`. */
  idle() {
    const tag = `b${++this.tag}`;
    return new Promise((resolve, reject) => {
      this.waiter = { untagged: /^\+ /, resolve, reject };
      this.socket.write(`${tag} IDLE\r\n`);
    });
  }

  close() {
    this.socket.destroy();
  }
}
