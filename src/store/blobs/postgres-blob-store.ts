// Blob store in a PostgreSQL table, so several nodes share message bodies without a shared disk.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { Tables } from '../schema.js';
import type { BlobInput, BlobRef, BlobStore } from './blob-store.js';
import { isBlobId, toChunks } from './blob-store.js';

/** Rows are read in slices of this size so a large message is never one huge allocation. */
const STREAM_SLICE = 256 * 1024;

export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly now: () => number = Date.now,
  ) {}

  #check(id: string): void {
    if (!isBlobId(id)) throw new MailwardError('INVALID_INPUT', { message: 'blobs: malformed blob id' });
  }

  async put(data: BlobInput): Promise<BlobRef> {
    const chunks: Uint8Array[] = [];
    const hash = createHash('sha256');
    for await (const chunk of toChunks(data)) {
      hash.update(chunk);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const id = hash.digest('hex');
    // The commit is durable (fsync of the WAL) before the insert resolves.
    await this.db
      .insertInto('blobs')
      .values({ id, size: bytes.length, data: bytes, created_at: this.now() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return { id, size: bytes.length };
  }

  async get(id: string): Promise<Buffer> {
    this.#check(id);
    const row = await this.db.selectFrom('blobs').select('data').where('id', '=', id).executeTakeFirst();
    if (!row) throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
    return Buffer.from(row.data);
  }

  async stream(id: string, range: { start?: number; end?: number } = {}): Promise<Readable> {
    this.#check(id);
    const row = await this.db.selectFrom('blobs').select('size').where('id', '=', id).executeTakeFirst();
    if (!row) throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
    const start = Math.min(range.start ?? 0, row.size);
    const end = Math.min(range.end ?? row.size, row.size);
    const db = this.db;
    async function* slices(): AsyncGenerator<Buffer> {
      for (let offset = start; offset < end; offset += STREAM_SLICE) {
        const length = Math.min(STREAM_SLICE, end - offset);
        // substring() on bytea is 1-based.
        const slice = await sql<{ part: Uint8Array }>`select substring(data from ${offset + 1} for ${length}) as part from blobs where id = ${id}`.execute(db);
        const part = slice.rows[0]?.part;
        if (!part) throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
        yield Buffer.from(part);
      }
    }
    return Readable.from(slices());
  }

  async has(id: string): Promise<boolean> {
    this.#check(id);
    return (await this.db.selectFrom('blobs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async delete(id: string): Promise<boolean> {
    this.#check(id);
    const result = await this.db.deleteFrom('blobs').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
