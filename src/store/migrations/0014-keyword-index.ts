// An index of the messages that carry keywords: SELECT lists the keywords in use, and without it that read every message row of the mailbox on each SELECT.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, _traits: DialectTraits): Promise<void> {
  // Partial: most messages have no keyword, so the index holds only the few that do.
  await db.schema
    .createIndex('messages_mailbox_keywords_idx')
    .on('messages')
    .columns(['mailbox_id', 'keywords'])
    .where(sql.ref('keywords'), '<>', '')
    .execute();
}
