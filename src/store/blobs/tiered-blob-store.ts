// The embedded default's blob store: small bodies as rows of the database, larger ones as files.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MailwardError } from '../../errors/index.js';
import type { BlobRepository } from '../repositories/blob-repository.js';
import type { BlobDeleteOptions, BlobInput, BlobRef, BlobStore } from './blob-store.js';
import { isBlobId } from './blob-store.js';
import type { FsBlobStore } from './fs-blob-store.js';

/**
 * Bodies up to this size are rows. A file costs three fsyncs (the file, its directory, and a new
 * fan-out directory's parent) and about ten thread-pool calls; a row written in the delivery's
 * own transaction costs nothing beyond that transaction's one WAL fsync, which concurrent
 * deliveries share. Larger bodies stay files so the WAL (and each checkpoint) does not carry them.
 */
export const INLINE_BLOB_BYTES = 128 * 1024;

export class TieredBlobStore implements BlobStore {
  readonly inlineLimit: number;

  constructor(
    private readonly files: FsBlobStore,
    private readonly rows: BlobRepository,
    private readonly now: () => number = Date.now,
    options: { inlineLimit?: number } = {},
  ) {
    this.inlineLimit = options.inlineLimit ?? INLINE_BLOB_BYTES;
  }

  #check(id: string): void {
    if (!isBlobId(id)) throw new MailwardError('INVALID_INPUT', { message: 'blobs: malformed blob id' });
  }

  async put(data: BlobInput): Promise<BlobRef> {
    if (!(data instanceof Uint8Array) || data.byteLength > this.inlineLimit) return this.files.put(data);
    const id = createHash('sha256').update(data).digest('hex');
    // A statement of its own commits at once (synchronous = FULL): durable when this resolves.
    await this.rows.insert({ id, data, now: this.now() });
    return { id, size: data.byteLength };
  }

  async get(id: string): Promise<Buffer> {
    this.#check(id);
    return (await this.rows.find(id)) ?? this.files.get(id);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Buffer>> {
    for (const id of ids) this.#check(id);
    const found = await this.rows.findMany(ids);
    for (const id of new Set(ids)) {
      if (found.has(id) || !(await this.files.has(id))) continue;
      found.set(id, await this.files.get(id));
    }
    return found;
  }

  async stream(id: string, range: { start?: number; end?: number } = {}): Promise<Readable> {
    this.#check(id);
    const size = await this.rows.size(id);
    if (size === undefined) return this.files.stream(id, range);
    const start = Math.min(range.start ?? 0, size);
    const end = Math.min(range.end ?? size, size);
    if (end <= start) return Readable.from([]);
    const part = await this.rows.slice(id, start, end - start);
    if (!part) throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
    return Readable.from([part]);
  }

  async has(id: string): Promise<boolean> {
    this.#check(id);
    return (await this.rows.size(id)) !== undefined || this.files.has(id);
  }

  async delete(id: string, options: BlobDeleteOptions = {}): Promise<boolean> {
    this.#check(id);
    const row = await (options.tx?.blobRows ?? this.rows).delete(id);
    const file = await this.files.delete(id);
    return row || file;
  }
}
