// ENVELOPE and BODYSTRUCTURE as IMAP text, rendered once per stored body and kept in a bounded cache: a client that re-reads a mailbox's metadata costs no parsing.

export type RenderedItem = 'envelope' | 'bodystructure' | 'body';

interface Entry {
  values: Partial<Record<RenderedItem, string>>;
  /** Read since the sweep last passed (second-chance eviction). */
  used: boolean;
}

/**
 * Keyed by blob id, the SHA-256 of the message bytes: the rendering is a function of those bytes
 * alone, so an entry is right for every copy of the message and can never go stale.
 *
 * Eviction is second-chance (CLOCK): a read only sets a bit, so the FETCH of 10,000 cached messages
 * does not reorder a map 10,000 times; the sweep gives a read entry one more round.
 */
export class StructureCache {
  readonly #entries = new Map<string, Entry>();
  #chars = 0;

  constructor(private readonly maxChars: number) {}

  get(blobId: string, item: RenderedItem): string | undefined {
    const entry = this.#entries.get(blobId);
    const value = entry?.values[item];
    if (value !== undefined) entry!.used = true;
    return value;
  }

  has(blobId: string, item: RenderedItem): boolean {
    return this.#entries.get(blobId)?.values[item] !== undefined;
  }

  set(blobId: string, item: RenderedItem, value: string): void {
    let entry = this.#entries.get(blobId);
    if (!entry) {
      entry = { values: {}, used: false };
      this.#entries.set(blobId, entry);
    }
    const old = entry.values[item];
    if (old !== undefined) this.#chars -= old.length;
    entry.values[item] = value;
    this.#chars += value.length;
    this.#evict(blobId);
  }

  #evict(keep: string): void {
    // Each pass either evicts or clears a bit, so the sweep ends after at most two rounds.
    while (this.#chars > this.maxChars && this.#entries.size > 1) {
      const [key, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(key);
      if (oldest.used || key === keep) {
        oldest.used = false;
        this.#entries.set(key, oldest);
        continue;
      }
      for (const text of Object.values(oldest.values)) this.#chars -= text.length;
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
