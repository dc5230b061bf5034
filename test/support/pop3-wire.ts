// A raw POP3 client for transcript tests: exact bytes out, status lines and multi-line responses in, STLS by hand.
import net from 'node:net';
import tls from 'node:tls';

export interface POP3Reply {
  ok: boolean;
  /** The status line without "+OK"/"-ERR" and the space after it ("+ " continuations: the base64). */
  text: string;
  /** The whole status line. */
  line: string;
}

export class POP3Wire {
  static readonly #open = new Set<POP3Wire>();
  #socket: net.Socket | tls.TLSSocket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  #closed = false;
  /** Everything received, latin1. */
  transcript = '';

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
    POP3Wire.#open.add(this);
  }

  static destroyAll(): void {
    for (const client of [...POP3Wire.#open]) client.destroy();
  }

  static async connect(port: number, options: { implicitTLS?: boolean } = {}): Promise<POP3Wire> {
    const socket = options.implicitTLS ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.implicitTLS ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new POP3Wire(socket);
  }

  #attach(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.transcript += chunk.toString('latin1');
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      POP3Wire.#open.delete(this);
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: string | Buffer): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  send(line: string): void {
    this.write(`${line}\r\n`);
  }

  async #wait(deadline: number, what: string): Promise<void> {
    if (this.#closed) throw new Error(`connection closed while waiting for ${what}; transcript:\n${this.transcript.slice(-2000)}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${what} in time; transcript:\n${this.transcript.slice(-2000)}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The next line (without CRLF), latin1. */
  async line(options: { timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const end = this.#buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.#buffer.toString('latin1', 0, end);
        this.#buffer = this.#buffer.subarray(end + 2);
        return line;
      }
      await this.#wait(deadline, 'line');
    }
  }

  async reply(options: { timeoutMs?: number } = {}): Promise<POP3Reply> {
    const line = await this.line(options);
    const match = /^(\+OK|-ERR|\+)(?: (.*))?$/.exec(line);
    if (!match) throw new Error(`not a POP3 status line: ${JSON.stringify(line)}`);
    return { ok: match[1] !== '-ERR', text: match[2] ?? '', line };
  }

  async command(line: string): Promise<POP3Reply> {
    this.send(line);
    return this.reply();
  }

  /** The lines of a multi-line body after +OK, dot-unstuffed, up to the lone dot. */
  async body(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      if (line === '.') return lines;
      lines.push(line.startsWith('.') ? line.slice(1) : line);
    }
  }

  /** A multi-line command: the status line and, when +OK, the body. */
  async multi(line: string): Promise<POP3Reply & { lines: string[] }> {
    const reply = await this.command(line);
    return { ...reply, lines: reply.ok ? await this.body() : [] };
  }

  /** Resolves once the server closed the connection (false after timeoutMs). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) await this.#wait(deadline, 'close').catch(() => undefined);
    return this.#closed;
  }

  /** STLS, then the TLS handshake on the same socket. */
  async startTLS(): Promise<POP3Reply> {
    const ready = await this.command('STLS');
    if (!ready.ok) return ready;
    await this.handshake();
    return ready;
  }

  /** The TLS handshake on this socket, once the server answered +OK to an STLS written by hand. */
  async handshake(): Promise<void> {
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

  async quit(): Promise<void> {
    if (!this.#closed) {
      this.send('QUIT');
      await this.waitClosed(2000);
    }
    this.destroy();
  }

  destroy(): void {
    this.#socket.destroy();
    POP3Wire.#open.delete(this);
  }
}
