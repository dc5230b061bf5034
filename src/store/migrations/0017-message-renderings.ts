// ENVELOPE, BODY and BODYSTRUCTURE as IMAP text, one row per stored body: written at delivery, so a metadata FETCH reads rows and never renders.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  // Keyed by blob id (the SHA-256 of the bytes): the text depends on the bytes alone, so every copy
  // of a message shares the row. Messages stored before this migration have none; FETCH renders
  // theirs from the stored structure once and writes the row then (no backfill here: a large store
  // would hold the server's start for as long as it takes).
  let table = db.schema
    .createTable('message_renderings')
    .addColumn('blob_id', 'text', (c) => c.primaryKey())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('bodystructure', 'text', (c) => c.notNull());
  // SQLite: the row lives in the primary key's b-tree, one lookup per message instead of two.
  if (traits.name === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
}
