// The IMAP text of each message (ENVELOPE, BODY, BODYSTRUCTURE), written at delivery, and the FETCH rows that carry it: a metadata FETCH is one query per few hundred messages.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { SqliteReader } from '../dialects/sqlite/sqlite-reader.js';
import type { Tables } from '../schema.js';
import type { MessageFetchRow } from './mail-repository-types.js';
import { FETCH_COLUMNS } from './mail-repository-types.js';
import { countRows } from './count-rows.js';

/** One message's renderings (migration 0017), keyed like the message; they depend on its bytes alone. */
export interface MessageRenderingsTable {
  mailbox_id: number;
  uid: number;
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
  /** Stores renderings; a message that has them already keeps its row (same bytes, same text). */
  put(rows: readonly RenderingRow[]): Promise<void>;
  /** Drops the renderings of these messages. */
  delete(mailboxId: number, uids: readonly number[]): Promise<void>;
  /** How many messages of the mailbox have renderings stored (diagnostics and tests). */
  count(mailboxId: number): Promise<number>;
  /** The FETCH rows of these UIDs in UID order, each with the `renderings` columns of its message, in one query per slice of UIDs. */
  fetchRows(mailboxId: number, uids: readonly number[], renderings: readonly RenderingColumn[]): Promise<RenderedFetchRow[]>;
}

/** Rows per INSERT: 5 parameters each, well under SQLite's limit. */
const PUT_CHUNK = 200;
/** UIDs per read, as the mail repository's slices. */
const UID_CHUNK = 500;

type RenderingTables = Tables & { message_renderings: MessageRenderingsTable };

function withRenderings(db: Kysely<Tables>): Kysely<RenderingTables> {
  return db.withTables<{ message_renderings: MessageRenderingsTable }>() as unknown as Kysely<RenderingTables>;
}

/** For the mail repository: copies go with their messages (`pairs`: [source UID, new UID]). */
export async function copyRenderings(base: Kysely<Tables>, fromMailboxId: number, toMailboxId: number, pairs: ReadonlyArray<readonly [number, number]>): Promise<void> {
  const db = withRenderings(base);
  const newUid = new Map(pairs);
  for (let i = 0; i < pairs.length; i += PUT_CHUNK) {
    const sources = pairs.slice(i, i + PUT_CHUNK).map(([uid]) => uid);
    const rows = await db.selectFrom('message_renderings').select(['uid', 'envelope', 'body', 'bodystructure']).where('mailbox_id', '=', fromMailboxId).where('uid', 'in', sources).execute();
    if (rows.length === 0) continue;
    await db
      .insertInto('message_renderings')
      .values(rows.map((r) => ({ ...r, mailbox_id: toMailboxId, uid: newUid.get(Number(r.uid))! })))
      .onConflict((oc) => oc.columns(['mailbox_id', 'uid']).doNothing())
      .execute();
  }
}

/** For the mail repository: renderings go with their messages (these UIDs, or the whole mailbox). */
export async function deleteRenderings(base: Kysely<Tables>, mailboxId: number, uids?: readonly number[]): Promise<void> {
  const db = withRenderings(base);
  if (!uids) {
    await db.deleteFrom('message_renderings').where('mailbox_id', '=', mailboxId).execute();
    return;
  }
  for (let i = 0; i < uids.length; i += UID_CHUNK) await db.deleteFrom('message_renderings').where('mailbox_id', '=', mailboxId).where('uid', 'in', uids.slice(i, i + UID_CHUNK)).execute();
}

/** `reader`: see createMailRepository; the bulk read goes there when given. */
export function createRenderingRepository(base: Kysely<Tables>, _traits: DialectTraits, reader?: SqliteReader): RenderingRepository {
  const db = withRenderings(base);

  async function slice(mailboxId: number, where: { range: [number, number] } | { list: number[] }, renderings: readonly RenderingColumn[]): Promise<RenderedFetchRow[]> {
    if (reader) return (await reader.fetchRows(mailboxId, FETCH_COLUMNS, renderings, where)) as unknown as RenderedFetchRow[];
    let query = db
      .selectFrom('messages as m')
      .leftJoin('message_renderings as r', (join) => join.onRef('r.mailbox_id', '=', 'm.mailbox_id').onRef('r.uid', '=', 'm.uid'))
      .select(FETCH_COLUMNS.map((c) => `m.${c}` as const))
      .select(renderings.map((c) => `r.${c}` as const))
      .where('m.mailbox_id', '=', mailboxId);
    query = 'range' in where ? query.where('m.uid', '>=', where.range[0]).where('m.uid', '<=', where.range[1]) : query.where('m.uid', 'in', where.list);
    return (await query.orderBy('m.uid').execute()) as unknown as RenderedFetchRow[];
  }

  return {
    async put(rows) {
      for (let i = 0; i < rows.length; i += PUT_CHUNK) {
        await db
          .insertInto('message_renderings')
          .values(rows.slice(i, i + PUT_CHUNK))
          .onConflict((oc) => oc.columns(['mailbox_id', 'uid']).doNothing())
          .execute();
      }
    },
    delete: (mailboxId, uids) => deleteRenderings(base, mailboxId, uids),
    count: (mailboxId) => countRows(db.selectFrom('message_renderings').where('mailbox_id', '=', mailboxId)),
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
