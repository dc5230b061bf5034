// ENVELOPE and BODYSTRUCTURE as IMAP text, rendered once per stored body and kept in a bounded cache: a client that re-reads a mailbox's metadata costs no parsing.
import { LRUCache } from 'lru-cache';

export type RenderedItem = 'envelope' | 'bodystructure' | 'body';

type Renderings = Partial<Record<RenderedItem, string>>;

export interface StructureCacheOptions {
  /** All renderings together, in UTF-16 characters (two bytes each); 0 turns the cache off. */
  maxChars: number;
}

/**
 * Keyed by blob id, the SHA-256 of the message bytes: the rendering is a function of those bytes
 * alone, so an entry is right for every copy of the message and can never go stale. Least recently
 * used entries go first. One instance per process, made by the composition root and sized from
 * `cache.structure_cache_mb`.
 */
export class StructureCache {
  readonly #lru: LRUCache<string, Renderings> | undefined;

  constructor(options: StructureCacheOptions) {
    this.#lru =
      options.maxChars > 0
        ? new LRUCache({
            maxSize: options.maxChars,
            sizeCalculation: (values) => Math.max(1, Object.values(values).reduce((sum, text) => sum + text.length, 0)),
          })
        : undefined;
  }

  get(blobId: string, item: RenderedItem): string | undefined {
    // Only a hit makes the entry recent: asking for an item it lacks is not a use of it.
    const value = this.#lru?.peek(blobId)?.[item];
    if (value !== undefined) this.#lru!.get(blobId);
    return value;
  }

  has(blobId: string, item: RenderedItem): boolean {
    return this.#lru?.peek(blobId)?.[item] !== undefined;
  }

  set(blobId: string, item: RenderedItem, value: string): void {
    if (!this.#lru) return;
    // A new object: the entry's size is computed when it is set, so it must be set again as a whole.
    this.#lru.set(blobId, { ...this.#lru.peek(blobId), [item]: value });
  }

  get size(): number {
    return this.#lru?.size ?? 0;
  }

  get chars(): number {
    return this.#lru?.calculatedSize ?? 0;
  }
}

/** Characters per megabyte of `cache.structure_cache_mb` (UTF-16: two bytes a character). */
export const STRUCTURE_CACHE_CHARS_PER_MB = 512 * 1024;
