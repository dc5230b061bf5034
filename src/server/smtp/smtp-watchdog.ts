// Ends SMTP connections that keep a listener waiting past their session clock (command, message data, progress) with 421 4.4.2.
import type { Logger } from 'pino';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { SMTPExpiry, SMTPTimeouts } from './smtp-session-clock.js';
import { SMTPSessionClock } from './smtp-session-clock.js';
import { isBusy, onReplies } from './smtp-server-adapter.js';

/** What a client that ran out is told (after "421 4.4.2 <hostname>"): RFC 3463 X.4.2 is "bad connection", the code for a timeout. */
const REPLY_TEXTS: Record<SMTPExpiry, string> = {
  command: 'Timeout waiting for a command, closing connection',
  'data-pause': 'Timeout waiting for message data, closing connection',
  'data-rate': 'Timeout: message data arriving too slowly, closing connection',
  progress: 'Timeout: too long without sending mail, closing connection',
};

export interface SMTPWatchdogOptions {
  hostname: string;
  /** The listener's name, for log lines. */
  listener: string;
  timeouts: SMTPTimeouts;
  logger: Logger;
  /** Whether the listener is nearly full now (the shorter wait for a command applies). */
  underLoad: () => boolean;
  /** Milliseconds on a clock that only goes forward. */
  now?: () => number;
}

/**
 * One per listener: gives every session a clock (from onConnect, following its replies, and its
 * message bytes from onData) and sweeps the open connections a few times per shortest limit.
 */
export class SMTPWatchdog {
  readonly #options: SMTPWatchdogOptions;
  readonly #now: () => number;
  readonly #clocks = new WeakMap<SMTPServerSession, SMTPSessionClock>();
  #server: SMTPServer | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SMTPWatchdogOptions) {
    this.#options = options;
    this.#now = options.now ?? ((): number => performance.now());
  }

  /** Starts sweeping the connections of `server`. */
  attach(server: SMTPServer): void {
    this.#server = server;
    const t = this.#options.timeouts;
    const shortest = Math.min(t.commandMs, t.commandUnderLoadMs, t.dataMs, t.progressMs);
    this.#timer = setInterval(() => this.sweep(), Math.min(1000, Math.max(50, shortest / 4)));
    this.#timer.unref();
  }

  /** From onConnect, before the greeting: the session's clock starts and follows every reply. */
  watch(session: SMTPServerSession): void {
    if (!this.#server) return;
    const clock = new SMTPSessionClock(this.#options.timeouts, this.#now());
    if (onReplies(this.#server, session, (code) => clock.replied(code, this.#now()))) this.#clocks.set(session, clock);
  }

  /** From onData: the message's bytes as they arrive, and its end. */
  watchData(stream: SMTPServerDataStream, session: SMTPServerSession): void {
    const clock = this.#clocks.get(session);
    if (!clock) return;
    stream.on('data', (chunk: Buffer) => clock.received(chunk.length, this.#now()));
    stream.on('end', () => clock.dataEnded());
  }

  /** Ends every connection whose clock ran out. */
  sweep(): void {
    if (!this.#server) return;
    const now = this.#now();
    const underLoad = this.#options.underLoad();
    for (const connection of [...this.#server.connections]) {
      const session = connection.session;
      const expiry = this.#clocks.get(session)?.expired(now, { busy: isBusy(session), underLoad });
      if (expiry === undefined) continue;
      this.#clocks.delete(session);
      // One line per connection at debug: under a slow-loris attack these come by the thousand, and the caps already bound them.
      this.#options.logger.debug({ listener: this.#options.listener, session: session.id, client: session.remoteAddress, expiry }, 'smtp timeout');
      // A 421 ends the session (RFC 5321 §3.8).
      connection.send(421, `4.4.2 ${this.#options.hostname} ${REPLY_TEXTS[expiry]}`);
      connection.close();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
