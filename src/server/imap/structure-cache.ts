// ENVELOPE and BODYSTRUCTURE as IMAP text, rendered once per stored body and kept in a bounded LRU: a client that re-reads a mailbox's metadata costs no parsing.

export type RenderedItem = 'envelope' | 'bodystructure' | 'body';

type Entry = Partial<Record<RenderedItem, string>>;

/**
 * Keyed by blob id, the SHA-256 of the message bytes: the rendering is a function of those bytes
 * alone, so an entry is right for every copy of the message and can never go stale.
 */
export class StructureCache {
  readonly #entries = new Map<string, Entry>();
  #chars = 0;

  constructor(private readonly maxChars: number) {}

  get(blobId: string, item: RenderedItem): string | undefined {
    const entry = this.#entries.get(blobId);
    const value = entry?.[item];
    if (entry && value !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(blobId);
      this.#entries.set(blobId, entry);
    }
    return value;
  }

  set(blobId: string, item: RenderedItem, value: string): void {
    const entry = this.#entries.get(blobId) ?? {};
    const old = entry[item];
    if (old !== undefined) this.#chars -= old.length;
    entry[item] = value;
    this.#chars += value.length;
    this.#entries.delete(blobId);
    this.#entries.set(blobId, entry);
    for (const [key, oldest] of this.#entries) {
      if (this.#chars <= this.maxChars) break;
      for (const text of Object.values(oldest)) this.#chars -= text.length;
      this.#entries.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get chars(): number {
    return this.#chars;
  }
}

/** About 16 MB of UTF-16 text: the metadata of some 15,000 messages. */
export const STRUCTURE_CACHE = new StructureCache(8_000_000);
