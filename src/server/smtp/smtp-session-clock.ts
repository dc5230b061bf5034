// How long an SMTP client may keep a connection waiting, from what the server replied and what the client sent: pure, time passed in.

/** The limits, in milliseconds and bytes per second (smtp.*_timeout_seconds, smtp.min_data_rate_bytes_per_second). */
export interface SMTPTimeouts {
  /** Waiting for the next command, counted from our last reply (RFC 5321 §4.5.3.2.7: at least 5 minutes). */
  commandMs: number;
  /** The same while the listener is under load; the smaller of the two applies then. */
  commandUnderLoadMs: number;
  /** The longest pause inside a message (RFC 5321 §4.5.3.2.5: 3 minutes), and the rate's head start. */
  dataMs: number;
  /** The slowest average a message may arrive at after its head start; 0 for none. */
  minDataBytesPerSecond: number;
  /** The longest a session may go without progress: a message accepted, AUTH, the start of DATA. */
  progressMs: number;
}

/** What ran out: the reply a client gets for each is in the watchdog. */
export type SMTPExpiry = 'command' | 'data-pause' | 'data-rate' | 'progress';

/**
 * The clock of one session. Only replies and message bytes move it: the wait for a command runs
 * from our last reply, so bytes that trickle in without ever completing a command (a slow-loris
 * client) buy nothing. Where the client waits for us (a handler of ours busy, our verdict on a
 * message) nothing runs out.
 */
export class SMTPSessionClock {
  readonly #limits: SMTPTimeouts;
  #phase: 'command' | 'data' | 'verdict' = 'command';
  #lastReply: number;
  #lastProgress: number;
  #dataStart = 0;
  #lastData = 0;
  #dataBytes = 0;

  constructor(limits: SMTPTimeouts, now: number) {
    this.#limits = limits;
    this.#lastReply = now;
    this.#lastProgress = now;
  }

  /** We sent a reply with `code`: 354 opens a message; any other ends one and waits for a command. */
  replied(code: number, now: number): void {
    if (code === 354) {
      this.#phase = 'data';
      this.#dataStart = now;
      this.#lastData = now;
      this.#dataBytes = 0;
      this.#lastProgress = now;
      return;
    }
    // A message accepted (the reply that ends DATA) or a successful AUTH: the session is doing what it is for.
    const accepted = this.#phase !== 'command' && code >= 200 && code < 300;
    if (accepted || code === 235) this.#lastProgress = now;
    this.#phase = 'command';
    this.#lastReply = now;
  }

  /** `bytes` of the message arrived. */
  received(bytes: number, now: number): void {
    if (this.#phase !== 'data') return;
    this.#dataBytes += bytes;
    this.#lastData = now;
  }

  /** The message is complete: the client waits for our verdict now. */
  dataEnded(): void {
    if (this.#phase === 'data') this.#phase = 'verdict';
  }

  /**
   * What has run out at `now`, if anything. `busy`: a handler of ours has not answered yet, so
   * the client waits for us. `underLoad`: the listener is nearly full.
   */
  expired(now: number, options: { busy: boolean; underLoad: boolean }): SMTPExpiry | undefined {
    const limits = this.#limits;
    if (this.#phase === 'data') {
      if (now - this.#lastData >= limits.dataMs) return 'data-pause';
      const rate = limits.minDataBytesPerSecond;
      // Every byte buys 1/rate seconds past the head start.
      if (rate > 0 && now - this.#dataStart > limits.dataMs + (this.#dataBytes / rate) * 1000) return 'data-rate';
      return undefined;
    }
    if (this.#phase === 'verdict' || options.busy) return undefined;
    const wait = options.underLoad ? Math.min(limits.commandMs, limits.commandUnderLoadMs) : limits.commandMs;
    if (now - this.#lastReply >= wait) return 'command';
    if (now - this.#lastProgress >= limits.progressMs) return 'progress';
    return undefined;
  }
}
