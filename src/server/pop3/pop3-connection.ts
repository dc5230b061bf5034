// One POP3 client connection: reads command lines, runs each op in order (PIPELINING), keeps state, timers and TLS, and never lets a failure crash the process.
import { randomBytes, randomUUID } from 'node:crypto';
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { POP3LineReader, POP3_MAX_COMMAND_BYTES } from '../../proto/pop3/pop3-line-reader.js';
import type { LineEvent } from '../../proto/pop3/pop3-line-reader.js';
import { parsePOP3Command } from '../../proto/pop3/pop3-command-parser.js';
import type { POP3Command, POP3State, POP3Verb } from '../../proto/pop3/pop3-command.js';
import { errLine, okLine } from '../../proto/pop3/pop3-response.js';
import { canonicalIp } from '../../security/index.js';
import type { TLSManager } from '../tls/index.js';
import type { POP3Deps, POP3Login, POP3Session } from './pop3-context.js';
import { POP3_OPS } from './pop3-ops.js';
import type { POP3Op } from './pop3-ops.js';
import { errorLine } from './pop3-replies.js';
import { socketDrained } from '../socket-drained.js';

/** Bad commands (unknown, malformed, wrong state, too long) a connection may send before it is closed. */
export const MAX_BAD_COMMANDS = 20;
/** Output is sent in pieces of about this size; more waits for the socket to drain. */
const FLUSH_BYTES = 64 * 1024;
/** Parsed lines waiting for their turn before we stop reading (a client pipelining without bound). */
const MAX_QUEUED_LINES = 100;

export interface POP3ConnectionOptions {
  deps: POP3Deps;
  tls: TLSManager;
  /** Implicit TLS (pop3s): the socket is already a TLSSocket. */
  implicitTLS: boolean;
  onClose: () => void;
}

const STATE_TEXT: Record<POP3State, string> = { AUTHORIZATION: 'before login', TRANSACTION: 'after login' };

export class POP3Connection implements POP3Session {
  readonly deps: POP3Deps;
  readonly id = randomUUID();
  readonly remoteIp: string;
  readonly logger: Logger;
  pendingUser: string | undefined;
  authFailures = 0;
  streaming = false;
  #socket: net.Socket;
  #secure: boolean;
  readonly #tls: TLSManager;
  readonly #implicitTLS: boolean;
  readonly #onClose: () => void;
  #state: POP3State = 'AUTHORIZATION';
  #login: POP3Login | undefined;
  readonly #reader = new POP3LineReader();
  readonly #queue: LineEvent[] = [];
  #continuation: ((event: LineEvent | undefined) => void) | undefined;
  #busy = false;
  #closed = false;
  #cleanedUp = false;
  #badCommands = 0;
  #out: Buffer[] = [];
  #outBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onData = (chunk: Buffer): void => this.#receive(chunk);
  #finished: () => void = () => undefined;
  /** Resolves once the connection is closed and its maildrop lock released (shutdown waits for it). */
  readonly finished = new Promise<void>((resolve) => (this.#finished = resolve));

  constructor(socket: net.Socket, options: POP3ConnectionOptions) {
    this.deps = options.deps;
    this.#socket = socket;
    this.#tls = options.tls;
    this.#implicitTLS = options.implicitTLS;
    this.#secure = options.implicitTLS;
    this.#onClose = options.onClose;
    this.remoteIp = canonicalIp(socket.remoteAddress ?? '');
    this.logger = options.deps.logger.child({ session: this.id });
    this.#attach(socket);
    socket.setNoDelay(true);
  }

  get secure(): boolean {
    return this.#secure;
  }

  get canStartTLS(): boolean {
    return !this.#secure && !this.#implicitTLS && this.#state === 'AUTHORIZATION';
  }

  get state(): POP3State {
    return this.#state;
  }

  get login(): POP3Login | undefined {
    return this.#login;
  }

  /** Sends the greeting. No APOP timestamp: APOP is not offered (docs/pop3.md). */
  start(): void {
    this.#armTimer();
    this.write(okLine(`${this.deps.hostname} Mailward POP3 server ready`));
    this.#flush();
  }

  write(data: string | Buffer): void {
    if (this.#closed) return;
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.#out.push(buffer);
    this.#outBytes += buffer.length;
  }

  async send(data: Buffer): Promise<void> {
    this.write(data);
    if (this.#outBytes < FLUSH_BYTES) return;
    if (this.#flush()) return;
    await socketDrained(this.#socket);
  }

  async readContinuation(options: { maxLineBytes: number }): Promise<string | undefined> {
    this.#flush();
    this.#reader.maxLineBytes = options.maxLineBytes;
    try {
      const event = this.#queue.shift() ?? (this.#closed ? undefined : await new Promise<LineEvent | undefined>((resolve) => (this.#continuation = resolve)));
      if (!event) return undefined;
      // A response that was too long is a cancelled exchange (RFC 5034 §4 lets the server refuse it).
      return event.kind === 'line' ? event.line : '*';
    } finally {
      this.#reader.maxLineBytes = POP3_MAX_COMMAND_BYTES;
    }
  }

  async startTLS(): Promise<void> {
    this.write(okLine('Begin TLS negotiation'));
    this.#flush();
    // Anything the client sent after STLS came in plain text and must not count as sent over TLS
    // (CVE-2011-0411, the STARTTLS command injection): dropped, with the lines already split off.
    const dropped = this.#reader.discard() + this.#queue.splice(0).length;
    if (dropped > 0) this.logger.info({ dropped }, 'pop3 input after STLS discarded');
    const plain = this.#socket;
    plain.off('data', this.#onData);
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.#tls.secureContext });
    await new Promise<void>((resolve) => {
      secure.once('secure', () => resolve());
      secure.once('close', () => resolve());
      secure.once('error', () => resolve());
    });
    this.#socket = secure;
    this.#attach(secure);
    if (this.#closed || secure.destroyed || !secure.encrypted) {
      this.#destroy();
      return;
    }
    this.#secure = true;
    // RFC 2595 §4: the client forgets what it learnt before TLS; so do we.
    this.pendingUser = undefined;
  }

  enterTransaction(login: POP3Login): void {
    if (this.#closed) {
      void this.#releaseLogin(login);
      return;
    }
    this.#login = login;
    this.#state = 'TRANSACTION';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armTimer();
  }

  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#socket.end();
    // A client that never reads must not keep the socket (and its lock) open.
    setTimeout(() => this.#socket.destroy(), 5000).unref();
    this.#cleanup();
  }

  /** Ends the session at once with `line` (revocation, lost lock, shutdown); without it mid-RETR, where -ERR would read as message text. */
  end(line: string): void {
    if (this.#closed) return;
    if (this.streaming) {
      this.#destroy();
      return;
    }
    this.write(line);
    this.close();
  }

  #attach(socket: net.Socket): void {
    socket.on('data', this.#onData);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Resets and broken pipes are the client leaving; worth a debug line, nothing more.
      this.logger.debug({ err: error }, 'pop3 socket error');
    });
    socket.on('close', () => this.#destroy());
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    this.#armTimer();
    this.#queue.push(...this.#reader.push(chunk));
    if (this.#continuation && this.#queue.length > 0) {
      const resolve = this.#continuation;
      this.#continuation = undefined;
      resolve(this.#queue.shift());
    }
    if (this.#queue.length > MAX_QUEUED_LINES) this.#socket.pause();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (!this.#closed && this.#queue.length > 0) {
        const event = this.#queue.shift()!;
        await this.#handle(event);
        if (this.#outBytes >= FLUSH_BYTES) this.#flush();
      }
    } finally {
      this.#busy = false;
    }
    this.#flush();
    if (!this.#closed && this.#socket.isPaused()) this.#socket.resume();
  }

  async #handle(event: LineEvent): Promise<void> {
    if (event.kind === 'too-long') return this.#bad(errLine(`Line too long (at most ${POP3_MAX_COMMAND_BYTES} octets, RFC 2449)`));
    const parsed = parsePOP3Command(event.line);
    if (parsed.kind === 'unknown') {
      return this.#bad(errLine(parsed.keyword === '' ? 'Empty command' : `Unknown command: ${parsed.keyword}`));
    }
    const verb = parsed.kind === 'command' ? parsed.command.verb : parsed.verb;
    if (!parsed.states.includes(this.#state)) return this.#bad(errLine(`${verb} is not valid ${STATE_TEXT[this.#state]}`));
    if (parsed.kind === 'invalid') return this.#bad(errLine(parsed.message));
    await this.#run(parsed.command);
  }

  async #run(command: POP3Command): Promise<void> {
    const op = POP3_OPS[command.verb] as POP3Op<POP3Verb>;
    try {
      await op(this, command);
    } catch (error) {
      const correlationId = randomBytes(6).toString('hex');
      this.logger.error({ err: error, verb: command.verb, correlationId }, 'pop3 command failed');
      if (this.streaming) {
        // Part of a message is on the wire already; only closing tells the client it is incomplete.
        this.#destroy();
        return;
      }
      this.write(errorLine(error, { correlationId }));
    }
  }

  #bad(line: string): void {
    this.write(line);
    if (++this.#badCommands >= MAX_BAD_COMMANDS) {
      this.write(errLine('Too many bad commands; closing the connection'));
      this.close();
    }
  }

  /** Writes what is queued; false when the socket's buffer is full (wait for 'drain'). */
  #flush(): boolean {
    if (this.#out.length === 0 || this.#socket.destroyed) return true;
    const data = this.#out.length === 1 ? this.#out[0]! : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    return this.#socket.write(data);
  }

  /**
   * Before login the limit counts from the connection, not from the last line, so a slow trickle
   * of commands cannot hold a socket; after it, silence (RFC 1939 §3 autologout, at least 10
   * minutes) counts. Either closes without entering UPDATE, so nothing is deleted.
   */
  #armTimer(): void {
    if (this.#closed) return;
    const authorized = this.#state === 'TRANSACTION';
    if (!authorized && this.#timer) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // A long RETR to a slow client is not silence.
      if (authorized && this.#busy) {
        this.#timer = undefined;
        return this.#armTimer();
      }
      this.logger.info({ state: this.#state }, 'pop3 timeout');
      this.end(errLine(authorized ? 'Autologout: idle for too long; nothing was deleted' : 'Login timeout', { code: 'SYS/TEMP' }));
    }, authorized ? this.deps.autologoutMs : this.deps.loginTimeoutMs);
    this.#timer.unref();
  }

  #destroy(): void {
    this.#closed = true;
    if (!this.#socket.destroyed) this.#socket.destroy();
    this.#cleanup();
  }

  #cleanup(): void {
    if (this.#cleanedUp) return;
    this.#cleanedUp = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#continuation?.(undefined);
    this.#continuation = undefined;
    const login = this.#login;
    this.#login = undefined;
    this.#onClose();
    if (login) void this.#releaseLogin(login).finally(() => this.#finished());
    else this.#finished();
  }

  async #releaseLogin(login: POP3Login): Promise<void> {
    login.unregister();
    try {
      await login.lock.release();
    } catch (error) {
      // It expires by itself within its TTL.
      this.logger.warn({ err: error }, 'pop3 maildrop lock release failed');
    }
  }
}
