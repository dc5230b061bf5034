// Message bytes for RETR and TOP, chunk by chunk: dot-stuffing and the terminating line (RFC 1939 §3), and TOP's cut after n body lines (§7).

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/**
 * Dot-stuffs a message streamed in chunks of any size: a line starting with "." gets another one
 * (RFC 1939 §3), whether or not the chunk boundary falls right before it. Messages are streamed,
 * never held whole, so a 50 MB message costs no more memory than a small one.
 */
export class DotStuffer {
  #atLineStart = true;
  #lastByte = -1;

  /** The bytes to send for this chunk (the chunk itself when nothing needed stuffing). */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const dots: number[] = [];
    if (this.#atLineStart && chunk[0] === DOT) dots.push(0);
    for (let at = chunk.indexOf('\n.'); at >= 0; at = chunk.indexOf('\n.', at + 1)) dots.push(at + 1);
    this.#lastByte = chunk[chunk.length - 1]!;
    this.#atLineStart = this.#lastByte === LF;
    if (dots.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    for (const dot of dots) {
      parts.push(chunk.subarray(from, dot), Buffer.from('.'));
      from = dot;
    }
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts, chunk.length + dots.length);
  }

  /** The end of the response: a CRLF when the message did not end with one, then ".\r\n". */
  end(): Buffer {
    return Buffer.from(this.#lastByte === -1 || this.#lastByte === LF ? '.\r\n' : '\r\n.\r\n', 'latin1');
  }
}

/**
 * Passes the header, the blank line after it and then `bodyLines` lines of the body (TOP), and
 * nothing after; `done` tells the caller it may stop reading the message.
 */
export class TopLimiter {
  #inHeader = true;
  /** Whether the current line has any byte besides CR (an empty line ends the header). */
  #lineHasContent = false;
  #remaining: number;
  #done = false;

  constructor(bodyLines: number) {
    this.#remaining = bodyLines;
  }

  get done(): boolean {
    return this.#done;
  }

  push(chunk: Buffer): Buffer {
    if (this.#done) return chunk.subarray(0, 0);
    let from = 0;
    while (from < chunk.length) {
      const lf = chunk.indexOf(LF, from);
      const lineEnd = lf < 0 ? chunk.length : lf;
      if (this.#inHeader) {
        for (let i = from; i < lineEnd && !this.#lineHasContent; i++) if (chunk[i] !== CR) this.#lineHasContent = true;
      }
      if (lf < 0) break;
      from = lf + 1;
      if (this.#inHeader) {
        if (!this.#lineHasContent) {
          this.#inHeader = false;
          if (this.#remaining === 0) return this.#finish(chunk, from);
        }
        this.#lineHasContent = false;
        continue;
      }
      this.#remaining--;
      if (this.#remaining <= 0) return this.#finish(chunk, from);
    }
    return chunk;
  }

  #finish(chunk: Buffer, end: number): Buffer {
    this.#done = true;
    return chunk.subarray(0, end);
  }
}
