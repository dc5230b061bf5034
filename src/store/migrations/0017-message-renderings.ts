// ENVELOPE, BODY and BODYSTRUCTURE as IMAP text, one row per message, written at delivery: a metadata FETCH reads rows and never renders.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  // Keyed like the messages, not by body: FETCH 1:* reads both tables in the same (mailbox, UID)
  // order, where a key of blob ids (random hashes) cost a random lookup per message, several times
  // the read of the message rows themselves. Its own table rather than columns of `messages`: there
  // they would sit after the search text, and SQLite walks its overflow pages to reach them.
  // Messages stored before this migration have none; FETCH renders theirs from the stored
  // structure once and writes them then (no backfill here: a large store would hold the server's
  // start for as long as it took).
  let table = db.schema
    .createTable('message_renderings')
    .addColumn('mailbox_id', traits.bigintType, (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('uid', traits.bigintType, (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('bodystructure', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_renderings_pk', ['mailbox_id', 'uid']);
  // SQLite: the rows live in the primary key's b-tree, in FETCH's order, one lookup each.
  if (traits.name === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
}
