// One fuzzed IMAP connection: generated steps go to a real server, and every reply is checked against what the same bytes must produce (an independent IMAP client parser for the reply syntax, Mailward's own command framer as the oracle for which replies must come, in which order).
import net from 'node:net';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';
import parseResponse from 'imapflow/lib/handler/imap-parser.js';

/** Untagged responses a server may send (RFC 9051 §7, RFC 3501 §7, and the extensions Mailward advertises). */
const UNTAGGED = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH', 'CAPABILITY', 'LIST', 'LSUB', 'STATUS', 'SEARCH', 'ESEARCH', 'FLAGS', 'ENABLED', 'NAMESPACE', 'ID', 'QUOTA', 'QUOTAROOT', 'VANISHED']);
const NUMBERED = new Set(['EXISTS', 'RECENT', 'EXPUNGE', 'FETCH']);
/** Commands that change how the server reads the next bytes (raw lines, TLS) or fail a sign-in: never sent from a fuzzed step. */
const SPECIAL = new Set(['LOGIN', 'AUTHENTICATE', 'IDLE', 'STARTTLS', 'COMPRESS']);
/** How long a reply the oracle says must come may take (a loaded two-core machine included). */
const REPLY_TIMEOUT_MS = 20_000;

export class FuzzFailure extends Error {
  constructor(message, transcript) {
    super(message);
    this.transcript = transcript;
  }
}

/** What a parse event obliges the server to send: a tagged reply, a continuation, an untagged BAD, or a BYE and close. */
export function expectedTokens(events) {
  const tokens = [];
  for (const event of events) {
    if (event.kind === 'command') {
      tokens.push(`T:${event.command.tag}`);
      // The server reads nothing after a LOGOUT it accepts (one with arguments is a BAD like any other).
      if (event.command.name.toUpperCase() === 'LOGOUT' && event.command.args.length === 0) break;
    }
    else if (event.kind === 'continuation-needed') tokens.push('C');
    else if (event.kind === 'error') tokens.push(event.tag ? `T:${event.tag}` : 'U');
    else if (event.what === 'non-synchronizing-literal') {
      tokens.push('BYE');
      break;
    } else tokens.push(event.tag ? `T:${event.tag}` : 'U');
  }
  return tokens;
}

/** A connection whose every reply is framed and parsed by imapflow's reader and checked for IMAP shape. */
export class FuzzConnection {
  /** Replies as tokens (T:tag, C, U, BYE), in arrival order. */
  tokens = [];
  /** Replies of any kind parsed so far. */
  responses = 0;
  closed = false;
  /** Whether STARTTLS has been done. */
  secure = false;
  sawBye = false;
  #waiters = new Set();
  #sent = [];
  #received = [];
  #problem = null;
  #statuses = new Map();

  static connect(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new FuzzConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.#attach(socket);
  }

  /** Reads `socket` through a fresh imapflow reader (a new one after STARTTLS, as a client starts over). */
  #attach(socket) {
    this.socket = socket;
    const stream = new ImapStream({ logger: false, maxLineLength: 1024 * 1024 });
    socket.on('data', (chunk) => {
      this.#received.push(chunk);
      stream.write(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    stream.on('error', (error) => this.#fail(`reply stream unreadable: ${error.message}`));
    stream.on('data', (item) => {
      void this.#onResponse(item).finally(() => item.next());
    });
  }

  /** TLS over the connection after STARTTLS's OK; resolves once the handshake is done (or throws). */
  async startTLS() {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.#received.push(Buffer.from('\n[TLS]\n'));
    this.#attach(secure);
  }

  /** After STARTTLS's OK the server speaks TLS: what it sends now (an alert) is kept in the transcript, not read as IMAP. */
  stopReadingIMAP() {
    this.socket.removeAllListeners('data');
    this.socket.on('data', (chunk) => this.#received.push(chunk));
  }

  /** The status (OK, NO, BAD) of the last tagged reply with this tag. */
  statusOf(tag) {
    return this.#statuses.get(tag);
  }

  get problem() {
    return this.#problem;
  }

  transcript() {
    const clip = (buffers) => {
      const all = Buffer.concat(buffers);
      return all.length > 20_000 ? `${all.subarray(0, 10_000).toString('latin1')}\n[… ${all.length - 20_000} bytes …]\n${all.subarray(-10_000).toString('latin1')}` : all.toString('latin1');
    };
    return `--- sent ---\n${clip(this.#sent)}\n--- received ---\n${clip(this.#received)}`;
  }

  #fail(message) {
    this.#problem ??= message;
    this.#wake();
  }

  #wake() {
    for (const wake of this.#waiters) wake();
  }

  async #onResponse({ payload, literals }) {
    const text = payload.toString('latin1');
    // Between its literals ({n} CRLF, whose bytes imapflow's reader took out), a reply is one line: no NUL, CR or LF.
    if (text.split(/\{[0-9]+\}\r\n/).some((part) => /[\0\r\n]/.test(part))) return this.#fail(`reply line holds NUL, CR or LF: ${JSON.stringify(text.slice(0, 200))}`);
    let parsed;
    try {
      parsed = await parseResponse(payload, { literals });
    } catch (error) {
      return this.#fail(`reply is not IMAP (${error.code ?? error.message}): ${JSON.stringify(text.slice(0, 200))}`);
    }
    const { tag, command } = parsed;
    this.responses++;
    if (tag === '+') this.tokens.push('C');
    else if (tag === '*') {
      const name = String(command).toUpperCase();
      const numbered = /^[0-9]+$/.test(name);
      const kind = numbered ? String(parsed.attributes?.[0]?.value ?? '').toUpperCase() : name;
      if (numbered ? !NUMBERED.has(kind) : !UNTAGGED.has(name)) return this.#fail(`unknown untagged reply: ${JSON.stringify(text.slice(0, 200))}`);
      if (name === 'BAD') this.tokens.push('U');
      if (name === 'BYE') {
        this.sawBye = true;
        this.tokens.push('BYE');
      }
    } else {
      const status = String(command).toUpperCase();
      if (!['OK', 'NO', 'BAD'].includes(status)) return this.#fail(`tagged reply is not OK, NO or BAD: ${JSON.stringify(text.slice(0, 200))}`);
      this.#statuses.set(tag, status);
      this.tokens.push(`T:${tag}`);
    }
    this.#wake();
  }

  write(data) {
    const buffer = Buffer.from(data, 'latin1');
    this.#sent.push(buffer);
    if (!this.closed) this.socket.write(buffer);
  }

  /** Resolves when `done()` holds, the connection closed, a reply was malformed, or the time ran out (then it throws: the server hung). */
  async until(done, what) {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (!done()) {
      if (this.#problem) throw new FuzzFailure(this.#problem, this.transcript());
      if (this.closed) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new FuzzFailure(`no reply within ${REPLY_TIMEOUT_MS / 1000} s while waiting for ${what}`, this.transcript());
      await new Promise((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 1000));
        this.#waiters.add(wake);
      });
    }
    if (this.#problem) throw new FuzzFailure(this.#problem, this.transcript());
  }

  /** Sends one well-formed command and returns the lines of its reply (raw), for the session's set-up. */
  async command(tag, text) {
    const from = this.tokens.length;
    const start = Buffer.concat(this.#received).length;
    this.write(`${tag} ${text}\r\n`);
    await this.until(() => this.tokens.slice(from).includes(`T:${tag}`), `${tag} ${text.slice(0, 40)}`);
    return Buffer.concat(this.#received).subarray(start).toString('latin1');
  }

  destroy() {
    this.socket.destroy();
  }

  /** Waits for the server to close after a BYE (it must, within its grace period). */
  async closedAfterBye() {
    await this.until(() => this.closed, 'the connection to close after BYE');
    if (!this.closed) throw new FuzzFailure('BYE was sent but the connection stayed open', this.transcript());
  }
}

/** Writes `text` in one piece or cut at random points (the framing must not depend on how bytes arrive). */
export async function writeCut(connection, text, cuts) {
  if (cuts.length === 0) return connection.write(text);
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  let previous = 0;
  for (const point of points) {
    connection.write(text.slice(previous, point));
    previous = point;
    await sleep(0);
  }
  connection.write(text.slice(previous));
}

export { SPECIAL };
