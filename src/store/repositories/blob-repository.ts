// Message bodies kept as rows of the `blobs` table, so a small body commits in the same transaction as the message that uses it.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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

/**
 * On SQLite a body row holds its bytes deflated when that makes them smaller (mail text shrinks to
 * a third or so); `size` is always the body's own size, so a row whose data is shorter than its
 * size is deflated. PostgreSQL compresses large values itself (TOAST); there rows stay as given.
 */
export function packBody(data: Uint8Array): Uint8Array {
  const packed = deflateRawSync(data);
  return packed.byteLength < data.byteLength ? packed : data;
}

/** The body a row holds: `data` inflated when shorter than `size` (see packBody). */
export function unpackBody(data: Uint8Array, size: number): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.byteLength < size ? inflateRawSync(bytes) : bytes;
}

/** `reader`: see createMailRepository; bulk body reads go there when given. */
export function createBlobRepository(db: Kysely<Tables>, traits: DialectTraits, reader?: SqliteReader): BlobRepository {
  const sqlite = traits.name === 'sqlite';
  return {
    async insert({ id, data, now }) {
      await db
        .insertInto('blobs')
        .values({ id, size: data.byteLength, data: sqlite ? packBody(data) : data, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    async find(id) {
      const row = await db.selectFrom('blobs').select(['data', 'size']).where('id', '=', id).executeTakeFirst();
      return row ? unpackBody(row.data, Number(row.size)) : undefined;
    },
    async findMany(ids) {
      const out = new Map<string, Buffer>();
      const unique = [...new Set(ids)];
      if (reader) {
        for (let i = 0; i < unique.length; i += 500) for (const [id, data] of await reader.blobs(unique.slice(i, i + 500))) out.set(id, data);
        return out;
      }
      for (let i = 0; i < unique.length; i += 500) {
        const rows = await db.selectFrom('blobs').select(['id', 'data', 'size']).where('id', 'in', unique.slice(i, i + 500)).execute();
        for (const row of rows) out.set(row.id, unpackBody(row.data, Number(row.size)));
      }
      return out;
    },
    async slice(id, start, length) {
      if (sqlite) {
        // substr() on a SQLite BLOB counts bytes from 1; a deflated row comes whole and is inflated.
        const row = await db
          .selectFrom('blobs')
          .select([sql<Uint8Array>`substr(data, ${start + 1}, ${length})`.as('part'), sql<Uint8Array | null>`case when length(data) < size then data end`.as('packed'), 'size'])
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) return undefined;
        if (row.packed !== null) return unpackBody(row.packed, Number(row.size)).subarray(start, start + length);
        return Buffer.from(row.part.buffer, row.part.byteOffset, row.part.byteLength);
      }
      const row = await db.selectFrom('blobs').select(sql<Uint8Array>`substring(data from ${start + 1} for ${length})`.as('part')).where('id', '=', id).executeTakeFirst();
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
