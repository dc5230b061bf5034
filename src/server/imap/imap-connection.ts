// One IMAP connection: frames commands, runs them one at a time through the ops table, and writes responses (hand-written: no IMAP server library of quality exists on npm).
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { MailwardError } from '../../errors/index.js';
import { utf8Enabled } from '../../proto/imap/commands/imap-command-spec.js';
import { IMAPCommandParser, LITERAL_MINUS_MAX_BYTES } from '../../proto/imap/imap-command-parser.js';
import type { ParseEvent } from '../../proto/imap/imap-command-parser.js';
import { continuation, tagged, untagged } from '../../proto/imap/imap-response.js';
import type { IMAPCommand } from '../../proto/imap/imap-value.js';
import { IMAPSyntaxError } from '../../proto/imap/imap-syntax-error.js';
import type { EndReason } from '../../security/index.js';
import { canonicalIp } from '../../security/index.js';
import type { TLSManager } from '../tls/index.js';
import { capabilitiesFor } from './capabilities.js';
import type { CommandResult, IMAPCommandContext, IMAPDeps, IMAPSession } from './imap-context.js';
import { failureResponse } from './imap-responses.js';
import { IMAPInput } from './imap-input.js';
import { opFor } from './ops/index.js';
import { updateResponses } from './update-responses.js';
import { socketDrained } from '../socket-drained.js';

/** Bytes a client may have sent ahead of the command being run before we stop reading (back-pressure). */
const MAX_BUFFERED_INPUT = 1024 * 1024;
/** Literal size allowed before login: enough for any AUTHENTICATE or LOGIN, too small to make us hold much. */
const PRE_AUTH_MAX_LITERAL = 8 * 1024;
/** Longest raw line (AUTHENTICATE response, IDLE's DONE). */
const MAX_RAW_LINE = 64 * 1024;
/** Consecutive BAD commands before we give up on a client (a confused client or someone probing). */
const MAX_CONSECUTIVE_ERRORS = 20;
/** How long a BYE may take to reach a slow client before the socket is destroyed. */
const BYE_GRACE_MS = 2000;

/** The command framer of a connection before or after login (the wire fuzz bench frames what it sends with the same one, as its oracle). */
export function commandParserFor(options: { authenticated: boolean; maxMessageBytes: number }): IMAPCommandParser {
  const maxLiteralBytes = options.authenticated ? options.maxMessageBytes : PRE_AUTH_MAX_LITERAL;
  return new IMAPCommandParser({
    maxLiteralBytes,
    // LITERAL+ after login; before it, every literal waits for our "+" (RFC 7888 §4 LITERAL-).
    maxNonSynchronizingLiteralBytes: options.authenticated ? maxLiteralBytes : LITERAL_MINUS_MAX_BYTES,
  });
}

export interface IMAPConnectionOptions {
  deps: IMAPDeps;
  tls: TLSManager;
  implicitTLS: boolean;
  onClose(): void;
}

export class IMAPConnection {
  #socket: Socket;
  #parser: IMAPCommandParser;
  readonly #input = new IMAPInput(MAX_RAW_LINE);
  #running = false;
  #closed = false;
  #lineWaiter: ((line: string | undefined) => void) | undefined;
  #changeWaiter: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #registration: { id: string; unregister(): void } | undefined;
  #upgradeAfterResponse = false;
  #closeAfterResponse = false;
  #consecutiveErrors = 0;
  readonly session: IMAPSession;
  readonly #deps: IMAPDeps;

  constructor(
    socket: Socket,
    private readonly options: IMAPConnectionOptions,
  ) {
    this.#socket = socket;
    this.#deps = options.deps;
    this.session = {
      state: 'not-authenticated',
      id: randomUUID(),
      remoteIp: canonicalIp(socket.remoteAddress ?? ''),
      secure: options.implicitTLS,
      enabled: new Set(),
      condstore: false,
      clientName: '',
    };
    this.#parser = this.#newParser();
  }

  start(): void {
    this.#attach(this.#socket);
    this.#socket.setTimeout(this.#deps.loginTimeoutMs);
    void this.write(untagged('OK', 'Mailward IMAP ready', { code: { name: 'CAPABILITY', args: this.capabilities().map((atom) => ({ atom })) } }));
  }

  capabilities(): string[] {
    return capabilitiesFor({ session: this.session, allowPlaintextAuth: this.#deps.allowPlaintextAuth, maxMessageBytes: this.#deps.maxMessageBytes });
  }

  /** Ends the connection with `* BYE` (server shutdown, revocation, timeouts); the BYE is flushed before the socket closes. */
  bye(text: string, code?: string): void {
    if (this.#closed) return;
    const socket = this.#socket;
    socket.end(untagged('BYE', text, code ? { code: { name: code } } : {}));
    // A client that never reads must not keep the socket: it goes after a short grace.
    setTimeout(() => socket.destroy(), BYE_GRACE_MS).unref();
    this.#destroy({ keepSocket: true });
  }

  #newParser(): IMAPCommandParser {
    return commandParserFor({ authenticated: this.session.state !== 'not-authenticated', maxMessageBytes: this.#deps.maxMessageBytes });
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('timeout', () => this.bye(this.session.state === 'not-authenticated' ? 'Login timeout' : 'Autologout; idle for too long'));
    socket.on('error', (error) => this.#deps.logger.debug({ err: error, connection: this.session.id }, 'imap socket error'));
    socket.on('close', () => this.#destroy());
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    this.#input.push(chunk);
    if (this.#input.bytes > MAX_BUFFERED_INPUT) this.#socket.pause();
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed) {
      if (this.#lineWaiter) {
        const line = this.#input.takeRawLine();
        if (line === undefined) break;
        const waiter = this.#lineWaiter;
        this.#lineWaiter = undefined;
        waiter(line);
        continue;
      }
      if (this.#running) break;
      const slice = this.#input.takeSlice(this.#parser.literalBytesExpected);
      if (!slice) break;
      for (const event of this.#parser.push(slice)) this.#handle(event);
    }
    if (this.#input.bytes <= MAX_BUFFERED_INPUT && this.#socket.isPaused()) this.#socket.resume();
  }

  #handle(event: ParseEvent): void {
    switch (event.kind) {
      case 'command':
        this.#running = true;
        void this.#execute(event.command);
        return;
      case 'continuation-needed':
        void this.write(continuation('Ready for literal data'));
        return;
      case 'error':
        this.#badInput(event.tag, event.message);
        return;
      case 'too-long': {
        if (event.what === 'literal' && event.tag) {
          void this.write(tagged(event.tag, 'NO', `Literal too big (limit ${event.limit} bytes)`, { code: { name: 'TOOBIG' } }));
          return;
        }
        if (event.what === 'non-synchronizing-literal') {
          // We cannot skip what the client pushes at us unasked: say so and hang up (RFC 7888 §4).
          this.bye('Non-synchronizing literal too big', 'TOOBIG');
          return;
        }
        this.#badInput(event.tag, event.what === 'line' ? 'Line too long' : 'Command too long');
        return;
      }
    }
  }

  #badInput(tag: string | null, message: string): void {
    this.#consecutiveErrors++;
    void this.write(tag ? tagged(tag, 'BAD', message) : untagged('BAD', message));
    if (this.#consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) this.bye('Too many invalid commands');
  }

  async #execute(framed: IMAPCommand): Promise<void> {
    const found = opFor(framed);
    const command = found?.command ?? framed;
    let response: Buffer;
    let expungeAllowed = true;
    try {
      if (!found) throw new IMAPSyntaxError(`Unknown command ${command.name.slice(0, 40)}`);
      const { op } = found;
      if (!op.states.includes(this.session.state)) {
        throw new IMAPSyntaxError(this.session.state === 'not-authenticated' ? 'Log in first' : this.session.state === 'selected' || op.states.includes('selected') ? 'Select a mailbox first' : 'Not valid in this state');
      }
      expungeAllowed = op.allowExpungeUpdates ?? true;
      const request = op.grammar.parse(command, { enabled: this.session.enabled });
      const result: CommandResult = (await op.run(this.#context(), request)) ?? {};
      if (this.session.selected && !this.#closeAfterResponse) await this.flushUpdates({ allowExpunge: expungeAllowed });
      const status = result.status ?? 'OK';
      response = tagged(command.tag, status, result.text ?? `${command.name} completed`, { ...(result.code ? { code: result.code } : {}), utf8Accept: this.#utf8 });
      this.#consecutiveErrors = status === 'BAD' ? this.#consecutiveErrors + 1 : 0;
    } catch (error) {
      response = this.#failure(command, error);
    }
    if (this.#closed) return;
    await this.write(response);
    if (this.#upgradeAfterResponse) await this.#upgrade();
    if (this.#closeAfterResponse) {
      const socket = this.#socket;
      socket.end();
      setTimeout(() => socket.destroy(), BYE_GRACE_MS).unref();
      this.#destroy({ keepSocket: true });
      return;
    }
    if (this.#consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
      this.bye('Too many invalid commands');
      return;
    }
    this.#running = false;
    this.#pump();
  }

  #failure(command: IMAPCommand, error: unknown): Buffer {
    const syntax = error instanceof IMAPSyntaxError;
    this.#consecutiveErrors = syntax ? this.#consecutiveErrors + 1 : 0;
    return failureResponse(command, error, { utf8Accept: this.#utf8, logger: this.#deps.logger, connection: this.session.id });
  }

  get #utf8(): boolean {
    return utf8Enabled(this.session.enabled);
  }

  #context(): IMAPCommandContext {
    return {
      deps: this.#deps,
      session: this.session,
      utf8: this.#utf8,
      write: (data) => this.write(data),
      readLine: () => this.#readLine(),
      startTLS: async () => {
        this.#upgradeAfterResponse = true;
      },
      loggedIn: (result) => this.#loggedIn(result),
      flushUpdates: (options) => this.flushUpdates(options),
      waitForLineOrChange: (ms) => this.#waitForLineOrChange(ms),
      close: () => {
        this.#closeAfterResponse = true;
      },
      capabilities: () => this.capabilities(),
    };
  }

  /** Writes in order; resolves when the socket accepted the bytes (waits for 'drain' when its buffer is full). */
  async write(data: Buffer | readonly Buffer[]): Promise<void> {
    if (this.#closed) return;
    const buffers = Buffer.isBuffer(data) ? [data] : data;
    let full = false;
    // Corked, several buffers leave in one writev: no copy into one buffer, no syscall per buffer.
    const cork = buffers.length > 1;
    if (cork) this.#socket.cork();
    for (const buffer of buffers) if (buffer.length > 0) full = !this.#socket.write(buffer) || full;
    if (cork) this.#socket.uncork();
    if (full && !this.#closed) await socketDrained(this.#socket);
  }

  #readLine(): Promise<string | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#lineWaiter = resolve;
      this.#pump();
    });
  }

  /** Waits for a line from the client, a doorbell for the selected mailbox, or `ms` (then reported as a change, so the caller re-reads the journal). */
  #waitForLineOrChange(ms: number): Promise<{ kind: 'line'; line: string | undefined } | { kind: 'change' }> {
    if (this.#closed) return Promise.resolve({ kind: 'line', line: undefined });
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: { kind: 'line'; line: string | undefined } | { kind: 'change' }): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#changeWaiter = undefined;
        if (this.#lineWaiter === onLine) this.#lineWaiter = undefined;
        resolve(result);
      };
      const onLine = (line: string | undefined): void => finish({ kind: 'line', line });
      const timer = setTimeout(() => finish({ kind: 'change' }), ms);
      this.#changeWaiter = () => finish({ kind: 'change' });
      this.#lineWaiter = onLine;
      this.#pump();
    });
  }

  async #loggedIn(result: {
    account: IMAPSession['account'] & object;
    credential: 'password' | 'app_password';
    appPasswordId: number | null;
    authenticatedAt: number;
    device?: { device: { id: string } };
  }): Promise<void> {
    const { security, maxConnectionsPerAccount } = this.#deps;
    const live = security.sessions.list(result.account.id).filter((s) => s.protocol === 'imap').length;
    if (live >= maxConnectionsPerAccount) {
      throw new MailwardError('LIMIT', { message: `Too many IMAP connections for this account (limit ${maxConnectionsPerAccount})` });
    }
    this.#registration = security.sessions.register({
      accountId: result.account.id,
      protocol: 'imap',
      credential: result.credential,
      appPasswordId: result.appPasswordId,
      authenticatedAt: result.authenticatedAt,
      ...(result.device ? { deviceId: result.device.device.id } : {}),
      ip: this.session.remoteIp,
      client: this.session.clientName,
      end: (reason: EndReason) => {
        this.#deps.logger.info({ connection: this.session.id, reason }, 'imap session ended by revocation');
        this.bye(`Session ended (${reason.replace(/_/g, ' ')})`, 'UNAVAILABLE');
      },
    });
    this.session.account = result.account;
    this.session.state = 'authenticated';
    this.#parser = this.#newParser();
    this.#socket.setTimeout(this.#deps.autologoutMs);
    const accountId = result.account.id;
    this.#unsubscribe = this.#deps.events.subscribe(
      (event) => {
        if ('accountId' in event && event.accountId === accountId) this.#changeWaiter?.();
      },
      { types: ['MailboxChanged'] },
    );
  }

  /** Sends what changed in the selected mailbox since the last report. */
  async flushUpdates(options: { allowExpunge: boolean }): Promise<void> {
    const selected = this.session.selected;
    if (!selected || this.#closed) return;
    const out = updateResponses(this.session, selected, await selected.sync(options));
    if (out.length > 0) await this.write(out);
  }

  async #upgrade(): Promise<void> {
    this.#upgradeAfterResponse = false;
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    // Anything the client pipelined after STARTTLS was sent in clear text and could be an
    // attacker's injection (the STARTTLS command-injection class of bugs): it is thrown away.
    this.#input.clear();
    this.#parser = this.#newParser();
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.options.tls.secureContext });
    this.#socket = secure;
    this.session.secure = true;
    secure.on('data', (chunk: Buffer) => this.#onData(chunk));
    secure.on('timeout', () => this.bye('Login timeout'));
    secure.on('error', (error) => {
      this.#deps.logger.debug({ err: error, connection: this.session.id }, 'imap tls error');
      this.#destroy();
    });
    secure.setTimeout(this.#deps.loginTimeoutMs);
  }

  #destroy(options: { keepSocket?: boolean } = {}): void {
    if (this.#closed) return;
    this.#closed = true;
    this.session.state = 'logout';
    this.#registration?.unregister();
    this.#unsubscribe?.();
    this.#changeWaiter?.();
    const waiter = this.#lineWaiter;
    this.#lineWaiter = undefined;
    waiter?.(undefined);
    if (!options.keepSocket) this.#socket.destroy();
    this.options.onClose();
  }
}
