// Search without a second copy of each message's text: on SQLite a contentless FTS5 trigram index (message_search) that a
// message points at through search_doc; on PostgreSQL a 512-byte trigram signature per row (search_sig). The search_text column goes.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import { SIGNATURE_BITS, signatureOf, termsOf } from '../repositories/search-signature.js';

/**
 * Old rows whose text may have been cut (see buildSearchIndex) get no index entry, so SEARCH reads
 * their body. UTF-8 bytes are never fewer than UTF-16 code units, so a row under this many bytes
 * was under the old cut-off in JavaScript's length too.
 */
const COMPLETE_BELOW_BYTES = 64 * 1024 - 1024;

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  await db.schema.alterTable('messages').addColumn('search_doc', traits.bigintType).execute();
  await db.schema.alterTable('messages').addColumn('search_sig', traits.name === 'postgres' ? sql`bit(${sql.lit(SIGNATURE_BITS)})` : 'text').execute();
  if (traits.name === 'sqlite') {
    // Trigrams are the index's terms: any substring of three or more characters, Chinese included,
    // is found without word segmentation. Contentless: the text itself is not stored; detail=none:
    // only which documents hold a trigram, not where. Case-sensitive because the text and the
    // needles are lower-cased by JavaScript alone, so both sides agree on every character.
    await sql`create virtual table message_search using fts5(text, content='', contentless_delete=1, detail=none, tokenize='trigram case_sensitive 1')`.execute(db);
    // The terms (trigrams) alone, for needles of one or two characters.
    await sql`create virtual table message_search_terms using fts5vocab(message_search, 'row')`.execute(db);
    // Old rows become documents of their own (copies too); the text ends with a newline, as new ones do.
    await sql`insert into message_search (rowid, text) select id, search_text || char(10) from messages where length(cast(search_text as blob)) < ${COMPLETE_BELOW_BYTES}`.execute(db);
    await sql`update messages set search_doc = id where length(cast(search_text as blob)) < ${COMPLETE_BELOW_BYTES}`.execute(db);
  }
  if (traits.name === 'postgres') await signOldRows(db);
  await db.schema.createIndex('messages_search_doc_idx').on('messages').column('search_doc').where(sql.ref('search_doc'), 'is not', null).execute();
  if (traits.name === 'sqlite') {
    // A document goes with the last message that points at it, however that message goes (EXPUNGE,
    // a deleted mailbox, an account's cascade).
    await sql`create trigger messages_search_doc_release after delete on messages when old.search_doc is not null
      and not exists (select 1 from messages where search_doc = old.search_doc)
      begin delete from message_search where rowid = old.search_doc; end`.execute(db);
  }
  await db.schema.alterTable('messages').dropColumn('search_text').execute();
}

/** PostgreSQL: each old row's signature from its search text (unless cut), a few hundred rows per read. */
async function signOldRows(db: Kysely<unknown>): Promise<void> {
  for (let after = 0; ; ) {
    const { rows } = await sql<{ id: number; search_text: string }>`select id, search_text from messages where id > ${after} order by id limit 500`.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (Buffer.byteLength(row.search_text) >= COMPLETE_BELOW_BYTES) continue;
      await sql`update messages set search_sig = ${signatureOf(termsOf(row.search_text))} where id = ${row.id}`.execute(db);
    }
    after = Number(rows[rows.length - 1]!.id);
  }
}
