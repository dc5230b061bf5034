// Sends FETCH responses to the socket as they are built: text and small bodies gathered into large writes, big sections streamed from the blob store.
import type { Readable } from 'node:stream';
import type { IMAPCommandContext } from './imap-context.js';

/**
 * What a response is made of: written buffers, and ranges streamed in place of a literal's bytes.
 * A stream is opened before anything of its message is written, so a body that is gone (another
 * session expunged the message) is known before the literal's length is on the wire.
 */
export type Segment = Buffer | { stream: Readable; length: number };

/** Responses are handed to the socket in groups of about this size (one writev each): one write per message would cost more than the message. */
const WRITE_CHUNK = 256 * 1024;
/** Response text (and small bodies) go straight into buffers of this size, a new one when one is full. */
const CHUNK = 64 * 1024;
/** A body up to this size is copied into the current chunk; a larger one is handed over as it is. */
const COPY_LIMIT = 16 * 1024;

/**
 * Sends responses as they are built: buffers in groups of about WRITE_CHUNK, stream slots piped with
 * back-pressure and checked for length. Nothing waits for a whole batch, so a FETCH of many large
 * messages holds about one message and one group in memory, not the batch.
 *
 * Text is encoded into the current chunk as each piece arrives, and small bodies are copied after
 * it. Gathering a group's text into one string first (thousands of concatenations) and encoding
 * that cost a quarter of the event loop in a metadata FETCH of 10,000 messages, mostly in
 * flattening the string, and as much again in garbage collection. What is handed to the socket is
 * a view of the chunk up to where it was filled; later writes only go past that point.
 */
export class FetchWriter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #chunk: Buffer | undefined;
  /** The chunk's bytes from #start to #used are filled and not yet handed over. */
  #start = 0;
  #used = 0;

  constructor(private readonly context: IMAPCommandContext) {}

  /** Queues a part; returns a promise only when it had to write (so most parts cost no await). */
  push(segment: Segment | string): Promise<void> | undefined {
    if (typeof segment === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a piece that may not fit goes to a new chunk.
      const worst = segment.length * 3;
      if (worst > CHUNK) {
        this.#takeFilled();
        this.#append(Buffer.from(segment, 'utf8'));
        return this.#flushIfFull();
      }
      const chunk = this.#room(worst);
      this.#used += chunk.write(segment, this.#used, 'utf8');
      return this.#flushIfFull();
    }
    if (Buffer.isBuffer(segment)) {
      if (segment.length <= COPY_LIMIT) {
        segment.copy(this.#room(segment.length), this.#used);
        this.#used += segment.length;
      } else {
        this.#takeFilled();
        this.#append(segment);
      }
      return this.#flushIfFull();
    }
    return this.#stream(segment);
  }

  /** The current chunk with at least `bytes` free after #used; a full one is handed over and replaced. */
  #room(bytes: number): Buffer {
    if (this.#chunk !== undefined && this.#chunk.length - this.#used >= bytes) return this.#chunk;
    this.#takeFilled();
    this.#chunk = Buffer.allocUnsafe(CHUNK);
    this.#start = 0;
    this.#used = 0;
    return this.#chunk;
  }

  #append(bytes: Buffer): void {
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
  }

  #flushIfFull(): Promise<void> | undefined {
    return this.#pendingBytes + this.#used - this.#start >= WRITE_CHUNK ? this.flush() : undefined;
  }

  /** Hands over what the chunk holds so far (the socket keeps that view until written); filling goes on after it. */
  #takeFilled(): void {
    if (this.#chunk === undefined || this.#used === this.#start) return;
    this.#append(this.#chunk.subarray(this.#start, this.#used));
    this.#start = this.#used;
  }

  async #stream(segment: Exclude<Segment, Buffer>): Promise<void> {
    await this.flush();
    let sent = 0;
    try {
      for await (const chunk of segment.stream) {
        const bytes = (chunk as Buffer).subarray(0, segment.length - sent);
        if (bytes.length === 0) break;
        sent += bytes.length;
        await this.context.write(bytes);
      }
    } catch (error) {
      // A store that reads in slices may lose the blob half-way (its message expunged meanwhile).
      this.context.deps.logger.error({ err: error, connection: this.context.session.id }, 'imap fetch: stored message unreadable while sent');
    } finally {
      segment.stream.destroy();
    }
    if (sent < segment.length) {
      // The literal's length is already on the wire: a short blob must still fill it, or every
      // later byte would be read as protocol. Logged as the storage fault it is.
      this.context.deps.logger.error({ connection: this.context.session.id, missing: segment.length - sent }, 'imap fetch: stored message shorter than its size');
      await this.context.write(Buffer.alloc(segment.length - sent, 0x20));
    }
  }

  async flush(): Promise<void> {
    this.#takeFilled();
    if (this.#pending.length === 0) return;
    const data = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.context.write(data);
  }
}
