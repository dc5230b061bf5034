// Splits a POP3 client's byte stream into command lines with a length limit (RFC 2449 §4: 255 octets), so a client cannot make us buffer without bound.

/** RFC 2449 §4: a command line, keyword, arguments and CRLF included, is at most 255 octets. */
export const POP3_MAX_COMMAND_BYTES = 255;

/**
 * RFC 5034 §4 lets SASL responses exceed the command limit (a PLAIN response with a long app
 * password in base64 does); this bounds them instead, well above any PLAIN or LOGIN response.
 */
export const POP3_MAX_SASL_LINE_BYTES = 8192;

export type LineEvent =
  /** One line without its CRLF (or bare LF), as latin1 text so every byte survives. */
  | { kind: 'line'; line: string }
  /** A line longer than the limit was skipped up to its end; answer -ERR and go on. */
  | { kind: 'too-long'; limit: number };

export interface POP3LineReaderOptions {
  /** Longest line in octets, CRLF included. Default POP3_MAX_COMMAND_BYTES. */
  maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** Feed it chunks as they arrive; it returns every complete line (or overflow) they finish. */
export class POP3LineReader {
  #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Inside an over-long line: its bytes are dropped until the LF that ends it. */
  #skipping = false;

  constructor(options: POP3LineReaderOptions = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? POP3_MAX_COMMAND_BYTES;
  }

  /** Changes the limit for the next lines (SASL exchanges allow longer ones). */
  set maxLineBytes(limit: number) {
    this.#maxLineBytes = limit;
  }

  get maxLineBytes(): number {
    return this.#maxLineBytes;
  }

  /** Bytes received that do not yet form a line. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Drops whatever was received and not yet returned. STLS needs this: bytes sent before the TLS
   * handshake must never be read as if they came through it (the STARTTLS injection of CVE-2011-0411).
   */
  discard(): number {
    const dropped = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#skipping = false;
    return dropped;
  }

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf < 0 ? chunk.length : lf + 1;
      const piece = chunk.subarray(start, end);
      start = end;
      if (this.#skipping) {
        if (lf >= 0) {
          this.#skipping = false;
          events.push({ kind: 'too-long', limit: this.#maxLineBytes });
        }
        continue;
      }
      // A CR is allowed to be the byte past the limit only if the LF follows; counting the LF as
      // the limit's last byte keeps "255 octets including CRLF" exact.
      if (this.#pendingBytes + piece.length > this.#maxLineBytes) {
        this.#pending = [];
        this.#pendingBytes = 0;
        if (lf >= 0) events.push({ kind: 'too-long', limit: this.#maxLineBytes });
        else this.#skipping = true;
        continue;
      }
      if (lf < 0) {
        this.#pending.push(piece);
        this.#pendingBytes += piece.length;
        continue;
      }
      const whole = this.#pending.length === 0 ? piece : Buffer.concat([...this.#pending, piece]);
      this.#pending = [];
      this.#pendingBytes = 0;
      // CRLF is the rule (RFC 1939 §3); a bare LF is accepted because some scripts send it.
      const cut = whole.length >= 2 && whole[whole.length - 2] === CR ? 2 : 1;
      events.push({ kind: 'line', line: whole.toString('latin1', 0, whole.length - cut) });
    }
    return events;
  }
}
