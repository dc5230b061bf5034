// Recently read message bodies kept in memory, bounded in bytes: a client that reads the same messages again (a sync, a second device) costs no store read.

/**
 * Keyed by blob id, the SHA-256 of the bytes: a body never changes under its id, so an entry can
 * never be stale (a deleted blob's id is no longer asked for: no message points at it). Least
 * recently used entries go first. Only small bodies are kept; large ones are streamed, never held.
 */
export class BodyCache {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
  ) {}

  get(blobId: string): Buffer | undefined {
    const body = this.#entries.get(blobId);
    if (body !== undefined) {
      // Moved to the young end: Map keeps insertion order.
      this.#entries.delete(blobId);
      this.#entries.set(blobId, body);
    }
    return body;
  }

  set(blobId: string, body: Buffer): void {
    if (body.length > this.maxEntryBytes || this.#entries.has(blobId)) return;
    // A copy of its own: the body read may be a view of a larger buffer (a batch's bodies in one),
    // which would otherwise stay alive, uncounted, as long as the entry.
    const own = Buffer.from(body);
    this.#entries.set(blobId, own);
    this.#bytes += own.length;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.length;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** 32 MiB of bodies up to 128 KiB each per process: the last few thousand messages of ordinary size. */
export const BODY_CACHE = new BodyCache(32 * 1024 * 1024, 128 * 1024);
