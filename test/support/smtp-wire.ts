// A raw SMTP client for transcript tests: exact bytes out, replies (multi-line aware) in, STARTTLS by hand.
import net from 'node:net';
import tls from 'node:tls';

export interface WireReply {
  code: number;
  /** Every line of the reply without "NNN-"/"NNN " and without CRLF. */
  lines: string[];
  /** The lines joined with "\n". */
  text: string;
}

/** Parses complete replies from the front of `buffer`; returns them and the unparsed rest. */
function parseReplies(buffer: string): { replies: WireReply[]; rest: string } {
  const replies: WireReply[] = [];
  let lines: string[] = [];
  let consumed = 0;
  let pos = 0;
  for (;;) {
    const end = buffer.indexOf('\r\n', pos);
    if (end < 0) break;
    const line = buffer.slice(pos, end);
    pos = end + 2;
    const match = /^(\d{3})([ -])(.*)$/.exec(line);
    if (!match) {
      // Not a reply line: keep it as its own pseudo-reply so the test sees it.
      replies.push({ code: 0, lines: [line], text: line });
      consumed = pos;
      lines = [];
      continue;
    }
    lines.push(match[3]!);
    if (match[2] === ' ') {
      replies.push({ code: Number(match[1]), lines, text: lines.join('\n') });
      lines = [];
      consumed = pos;
    }
  }
  return { replies, rest: buffer.slice(consumed) };
}

export class WireClient {
  /** Every client not yet destroyed, so an afterAll can end what a failed test left open. */
  static readonly #open = new Set<WireClient>();
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #replies: WireReply[] = [];
  #waiters: Array<() => void> = [];
  #closed = false;
  /** Everything received, for failure messages. */
  transcript = '';

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
    WireClient.#open.add(this);
  }

  /** For afterAll: destroys every client still open. */
  static destroyAll(): void {
    for (const client of [...WireClient.#open]) client.destroy();
  }

  #attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.transcript += chunk;
      this.#buffer += chunk;
      const { replies, rest } = parseReplies(this.#buffer);
      this.#buffer = rest;
      this.#replies.push(...replies);
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      WireClient.#open.delete(this);
      this.#wake();
    });
    // Errors (a reset after the server closed) show up as `closed`; the assertions say what was expected.
    socket.on('error', () => undefined);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /**
   * Connects; the caller reads the greeting. `localAddress` binds the client's end, e.g. to
   * 127.0.0.2 (Linux routes all of 127/8 to the loopback), to stand for another host.
   */
  static async connect(port: number, options: { host?: string; implicitTLS?: boolean; localAddress?: string } = {}): Promise<WireClient> {
    const host = options.host ?? '127.0.0.1';
    const bind = options.localAddress === undefined ? {} : { localAddress: options.localAddress };
    const socket = options.implicitTLS ? tls.connect({ host, port, rejectUnauthorized: false, ...bind }) : net.connect({ host, port, ...bind });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.implicitTLS ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new WireClient(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes bytes exactly as given. */
  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves once everything written so far has left this process (handed to the kernel). */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.write(Buffer.alloc(0), (error) => (error ? reject(error) : resolve())));
  }

  /** Writes one command line (CRLF added). */
  send(line: string): void {
    this.write(`${line}\r\n`);
  }

  /** The next reply; rejects on close or timeout. */
  async reply(options: { timeoutMs?: number } = {}): Promise<WireReply> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    while (this.#replies.length === 0) {
      if (this.#closed) throw new Error(`connection closed while waiting for a reply; transcript:\n${this.transcript.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms; transcript:\n${this.transcript.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#replies.shift()!;
  }

  /** The next `n` replies. */
  async replies(n: number, options: { timeoutMs?: number } = {}): Promise<WireReply[]> {
    const out: WireReply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.reply(options));
    return out;
  }

  /** Sends a command and returns its reply. */
  async command(line: string, options: { timeoutMs?: number } = {}): Promise<WireReply> {
    this.send(line);
    return this.reply(options);
  }

  /** Resolves once the server closed the connection (or after `timeoutMs` with false). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#closed;
  }

  /** STARTTLS (the 220 must come first), then the rest of the session runs over TLS. */
  async startTLS(): Promise<WireReply> {
    const ready = await this.command('STARTTLS');
    if (ready.code === 220) await this.upgradeTLS();
    return ready;
  }

  /** The TLS handshake on this connection, for a caller that sent STARTTLS and read the 220 itself. */
  async upgradeTLS(): Promise<void> {
    const plain = this.#socket as net.Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
  }

  /** Sends QUIT (when still open) and ends the socket. */
  async quit(): Promise<void> {
    if (!this.#closed) {
      this.send('QUIT');
      await this.waitClosed(2000);
    }
    this.destroy();
  }

  destroy(): void {
    this.#socket.destroy();
    WireClient.#open.delete(this);
  }
}

/**
 * EHLO, MAIL, RCPT, DATA and the message (dot-stuffed by the caller if needed), then the end-of-data
 * line (after a CRLF of its own when the data does not end with one); returns every reply.
 */
export async function wireDeliver(
  port: number,
  options: { from: string; to: string[]; data: Buffer | string; helo?: string },
): Promise<{ replies: WireReply[]; final: WireReply }> {
  const client = await WireClient.connect(port);
  try {
    const replies = [await client.reply(), await client.command(`EHLO ${options.helo ?? 'client.example'}`), await client.command(`MAIL FROM:<${options.from}>`)];
    for (const to of options.to) replies.push(await client.command(`RCPT TO:<${to}>`));
    replies.push(await client.command('DATA'));
    client.write(options.data);
    const data = Buffer.isBuffer(options.data) ? options.data : Buffer.from(options.data, 'latin1');
    client.write(data.subarray(-2).toString('latin1') === '\r\n' ? '.\r\n' : '\r\n.\r\n');
    const final = await client.reply();
    return { replies, final };
  } finally {
    await client.quit();
  }
}
