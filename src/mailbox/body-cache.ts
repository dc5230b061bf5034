// Recently read message bodies kept in memory, bounded in bytes: a client that reads the same messages again (a sync, a second device) costs no store read.
import { LRUCache } from 'lru-cache';

export interface BodyCacheOptions {
  /** All bodies together; 0 turns the cache off. */
  maxBytes: number;
  /** The largest body kept; larger ones are streamed, never held. */
  maxEntryBytes: number;
}

/**
 * Keyed by blob id, the SHA-256 of the bytes: a body never changes under its id, so an entry can
 * never be stale (a deleted blob's id is no longer asked for: no message points at it). Least
 * recently used entries go first. One instance per process, made by the composition root and
 * sized from `cache.body_cache_mb`.
 */
export class BodyCache {
  readonly #lru: LRUCache<string, Buffer> | undefined;
  readonly #maxEntryBytes: number;

  constructor(options: BodyCacheOptions) {
    this.#maxEntryBytes = options.maxEntryBytes;
    // An empty body still takes an entry: it is counted as one byte, so the bound holds.
    this.#lru = options.maxBytes > 0 ? new LRUCache({ maxSize: options.maxBytes, sizeCalculation: (body) => Math.max(1, body.length) }) : undefined;
  }

  get(blobId: string): Buffer | undefined {
    return this.#lru?.get(blobId);
  }

  set(blobId: string, body: Buffer): void {
    if (!this.#lru || body.length > this.#maxEntryBytes || this.#lru.has(blobId)) return;
    // A copy of its own: the body read may be a view of a larger buffer (a batch's bodies in one),
    // which would otherwise stay alive, uncounted, as long as the entry.
    this.#lru.set(blobId, Buffer.from(body));
  }

  get bytes(): number {
    return this.#lru?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.#lru?.size ?? 0;
  }
}

/** The largest body kept: bigger ones are rare and streamed. */
export const BODY_CACHE_MAX_ENTRY_BYTES = 128 * 1024;
