// Indexes for the webmail's message list sorted by sender or subject: a page is read from the index, not by sorting the whole mailbox.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, _traits: DialectTraits): Promise<void> {
  // uid last: it breaks ties, so a keyset position (value, uid) is found in the index alone.
  await db.schema.createIndex('messages_mailbox_date_uid_idx').on('messages').columns(['mailbox_id', 'internal_date', 'uid']).execute();
  await db.schema.createIndex('messages_mailbox_from_idx').on('messages').columns(['mailbox_id', 'from_text', 'uid']).execute();
  await db.schema.createIndex('messages_mailbox_subject_idx').on('messages').columns(['mailbox_id', 'subject', 'uid']).execute();
}
