// Message bodies kept as rows of the `blobs` table, so a small body commits in the same transaction as the message that uses it.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { SqliteReader } from '../dialects/sqlite/sqlite-reader.js';
import type { Tables } from '../schema.js';

export interface BlobRepository {
  /** Stores `data` under `id` (its SHA-256) unless a row with that id exists: same id, same bytes. */
  insert(input: { id: string; data: Uint8Array; now: number }): Promise<void>;
  /** The whole body, or undefined when there is no such row. */
  find(id: string): Promise<Buffer | undefined>;
  /** The bodies of these ids that are rows, in one query per few hundred (FETCH of many small messages). */
  findMany(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** Bytes [start, start + length) of the body, or undefined when there is no such row. */
  slice(id: string, start: number, length: number): Promise<Buffer | undefined>;
  size(id: string): Promise<number | undefined>;
  delete(id: string): Promise<boolean>;
}

/** `reader`: see createMailRepository; bulk body reads go there when given. */
export function createBlobRepository(db: Kysely<Tables>, traits: DialectTraits, reader?: SqliteReader): BlobRepository {
  return {
    async insert({ id, data, now }) {
      await db
        .insertInto('blobs')
        .values({ id, size: data.byteLength, data, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    async find(id) {
      const row = await db.selectFrom('blobs').select('data').where('id', '=', id).executeTakeFirst();
      return row ? Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength) : undefined;
    },
    async findMany(ids) {
      const out = new Map<string, Buffer>();
      const unique = [...new Set(ids)];
      if (reader) {
        for (let i = 0; i < unique.length; i += 500) for (const [id, data] of await reader.blobs(unique.slice(i, i + 500))) out.set(id, data);
        return out;
      }
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db.selectFrom('blobs').select(['id', 'data']).where('id', 'in', unique.slice(i, i + 500)).execute();
        for (const row of rows) out.set(row.id, Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength));
      }
      return out;
    },
    async slice(id, start, length) {
      // Both dialects count from 1; substr() on a SQLite BLOB counts bytes, as substring() on bytea does.
      const part =
        traits.name === 'sqlite'
          ? sql<Uint8Array>`substr(data, ${start + 1}, ${length})`
          : sql<Uint8Array>`substring(data from ${start + 1} for ${length})`;
      const row = await db.selectFrom('blobs').select(part.as('part')).where('id', '=', id).executeTakeFirst();
      return row ? Buffer.from(row.part.buffer, row.part.byteOffset, row.part.byteLength) : undefined;
    },
    async size(id) {
      const row = await db.selectFrom('blobs').select('size').where('id', '=', id).executeTakeFirst();
      return row ? Number(row.size) : undefined;
    },
    async delete(id) {
      const result = await db.deleteFrom('blobs').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
