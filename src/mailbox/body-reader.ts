// Message bodies for the doors that read mail: those read lately from the body cache, the rest from the blob store, many in one read where it can.
import { MailwardError } from '../errors/index.js';
import type { BlobStore } from '../store/index.js';
import type { BodyCache } from './body-cache.js';

export class BodyReader {
  constructor(private readonly deps: { blobs: BlobStore; cache: BodyCache }) {}

  /** One body; NOT_FOUND when no message points at it any more. */
  async body(blobId: string): Promise<Buffer> {
    const cached = this.deps.cache.get(blobId);
    if (cached) return cached;
    const body = await this.deps.blobs.get(blobId);
    this.deps.cache.set(blobId, body);
    return body;
  }

  /**
   * Several bodies at once (FETCH of many small messages): those read lately from memory, the rest
   * in one query instead of one per message where the store allows.
   */
  async bodies(blobIds: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of blobIds) {
      const cached = this.deps.cache.get(id);
      if (cached) out.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, body] of await this.#readBodies(missing)) {
        out.set(id, body);
        this.deps.cache.set(id, body);
      }
    }
    return out;
  }

  async #readBodies(blobIds: readonly string[]): Promise<Map<string, Buffer>> {
    const blobs = this.deps.blobs;
    if (blobs.getMany) return blobs.getMany(blobIds);
    // The same contract as getMany(): a body that is gone (its message expunged meanwhile) is left out.
    const out = new Map<string, Buffer>();
    for (const id of new Set(blobIds)) {
      try {
        out.set(id, await blobs.get(id));
      } catch (error) {
        if (!(error instanceof MailwardError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    return out;
  }
}
