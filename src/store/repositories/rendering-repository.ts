// The IMAP text of each stored body (ENVELOPE, BODY, BODYSTRUCTURE), written at delivery, and the FETCH rows that carry it: a metadata FETCH is one query per few hundred messages.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { SqliteReader } from '../dialects/sqlite/sqlite-reader.js';
import type { Tables } from '../schema.js';
import type { MessageFetchRow } from './mail-repository-types.js';
import { FETCH_COLUMNS } from './mail-repository-types.js';

/** One body's renderings (migration 0017); the text depends on the bytes alone, so copies share the row. */
export interface MessageRenderingsTable {
  /** The blob id: SHA-256 of the message bytes. */
  blob_id: string;
  /** ENVELOPE value, parentheses included, as UTF-8 IMAP text (8-bit strings as literals). */
  envelope: string;
  /** BODY (the non-extensible form). */
  body: string;
  bodystructure: string;
}

export type RenderingColumn = 'envelope' | 'body' | 'bodystructure';

export type MessageRenderings = Pick<MessageRenderingsTable, RenderingColumn>;

export type RenderingRow = MessageRenderingsTable;

/** A FETCH row with the renderings asked for: null when the body has none stored yet (stored before migration 0017). */
export type RenderedFetchRow = MessageFetchRow & Partial<Record<RenderingColumn, string | null>>;

export interface RenderingRepository {
  /** Stores renderings; a body that has them already keeps its row (same bytes, same text). */
  put(rows: readonly RenderingRow[]): Promise<void>;
  /** Drops a body's renderings (its blob is deleted). */
  delete(blobId: string): Promise<void>;
  /** The FETCH rows of these UIDs in UID order, each with the `renderings` columns of its body, in one query per slice of UIDs. */
  fetchRows(mailboxId: number, uids: readonly number[], renderings: readonly RenderingColumn[]): Promise<RenderedFetchRow[]>;
}

/** Rows per INSERT: 4 parameters each, well under SQLite's limit. */
const PUT_CHUNK = 200;
/** UIDs per read, as the mail repository's slices. */
const UID_CHUNK = 500;

type RenderingTables = Tables & { message_renderings: MessageRenderingsTable };

/** `reader`: see createMailRepository; the bulk read goes there when given. */
export function createRenderingRepository(base: Kysely<Tables>, _traits: DialectTraits, reader?: SqliteReader): RenderingRepository {
  const db = base.withTables<{ message_renderings: MessageRenderingsTable }>() as unknown as Kysely<RenderingTables>;

  async function slice(mailboxId: number, where: { range: [number, number] } | { list: number[] }, renderings: readonly RenderingColumn[]): Promise<RenderedFetchRow[]> {
    if (reader) return (await reader.fetchRows(mailboxId, FETCH_COLUMNS, renderings, where)) as unknown as RenderedFetchRow[];
    let query = db
      .selectFrom('messages as m')
      .leftJoin('message_renderings as r', 'r.blob_id', 'm.blob_id')
      .select(FETCH_COLUMNS.map((c) => `m.${c}` as const))
      .select(renderings.map((c) => `r.${c}` as const))
      .where('m.mailbox_id', '=', mailboxId);
    query = 'range' in where ? query.where('m.uid', '>=', where.range[0]).where('m.uid', '<=', where.range[1]) : query.where('m.uid', 'in', where.list);
    return (await query.orderBy('m.uid').execute()) as unknown as RenderedFetchRow[];
  }

  return {
    async put(rows) {
      const unique = [...new Map(rows.map((r) => [r.blob_id, r])).values()];
      for (let i = 0; i < unique.length; i += PUT_CHUNK) {
        await db
          .insertInto('message_renderings')
          .values(unique.slice(i, i + PUT_CHUNK))
          .onConflict((oc) => oc.column('blob_id').doNothing())
          .execute();
      }
    },
    async delete(blobId) {
      await db.deleteFrom('message_renderings').where('blob_id', '=', blobId).execute();
    },
    async fetchRows(mailboxId, uids, renderings) {
      const sorted = [...uids].sort((a, b) => a - b);
      const out: RenderedFetchRow[] = [];
      for (let i = 0; i < sorted.length; i += UID_CHUNK) {
        const part = sorted.slice(i, i + UID_CHUNK);
        const first = part[0]!;
        const last = part[part.length - 1]!;
        out.push(...(await slice(mailboxId, last - first + 1 === part.length ? { range: [first, last] } : { list: part }, renderings)));
      }
      return out;
    },
  };
}
