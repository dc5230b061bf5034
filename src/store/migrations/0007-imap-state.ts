// What IMAP needs beyond the shared mailbox model: which UIDs are still \Recent (RFC 3501 §2.3.2).
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  // Messages with uid >= first_recent_uid have not been seen by any IMAP session yet: the first
  // session to SELECT the mailbox takes them as \Recent and moves this to uid_next.
  await db.schema
    .alterTable('mailboxes')
    .addColumn('first_recent_uid', traits.bigintType, (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('mailbox_changes_kind_idx').on('mailbox_changes').columns(['mailbox_id', 'kind', 'modseq']).execute();
}
