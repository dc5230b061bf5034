// What a client has sent and the connection has not yet read: cut into the pieces the command parser takes (a literal's bytes, else one line) or into raw lines (AUTHENTICATE responses, IDLE's DONE).

export class IMAPInput {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #rawLine: Buffer[] = [];
  #rawLineBytes = 0;

  constructor(private readonly maxRawLine: number) {}

  /** Bytes received and not yet taken. */
  get bytes(): number {
    return this.#bytes;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  /** Drops everything not yet taken (what a client pipelined after STARTTLS). */
  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
  }

  /** Next piece of input: up to `literal` bytes when a literal is pending, else up to and including the next LF. */
  takeSlice(literal: number): Buffer | undefined {
    const first = this.#chunks[0];
    if (!first) return undefined;
    let end: number;
    if (literal > 0) end = Math.min(literal, first.length);
    else {
      const lf = first.indexOf(0x0a);
      end = lf === -1 ? first.length : lf + 1;
    }
    return this.#take(first, end);
  }

  /** The next whole line without its line end (latin1), cut at maxRawLine bytes; undefined until one is complete. */
  takeRawLine(): string | undefined {
    for (;;) {
      const first = this.#chunks[0];
      if (!first) return undefined;
      const lf = first.indexOf(0x0a);
      const end = lf === -1 ? first.length : lf + 1;
      this.#rawLine.push(this.#take(first, end));
      this.#rawLineBytes += end;
      if (lf !== -1 || this.#rawLineBytes > this.maxRawLine) {
        const line = Buffer.concat(this.#rawLine).toString('latin1').replace(/\r?\n$/, '');
        this.#rawLine = [];
        this.#rawLineBytes = 0;
        return line;
      }
    }
  }

  #take(first: Buffer, end: number): Buffer {
    const slice = first.subarray(0, end);
    if (end === first.length) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(end);
    this.#bytes -= slice.length;
    return slice;
  }
}
