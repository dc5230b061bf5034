// The mailbox model shared by SMTP, IMAP, POP3 and the webmail: mailboxes, messages, the change journal, the outbound queue.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;

  await traits
    .addIdColumn(db.schema.createTable('mailboxes'), 'id')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // Full name with '/' as the hierarchy delimiter; "INBOX" is stored in that exact case.
    .addColumn('name', 'text', (c) => c.notNull())
    // RFC 6154 attribute without the backslash: 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive', or null.
    .addColumn('special_use', 'text')
    .addColumn('uid_validity', big, (c) => c.notNull())
    .addColumn('uid_next', big, (c) => c.notNull().defaultTo(1))
    .addColumn('highest_modseq', big, (c) => c.notNull().defaultTo(1))
    .addColumn('subscribed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('mailboxes_account_name_uq', ['account_id', 'name'])
    .execute();

  await traits
    .addIdColumn(db.schema.createTable('messages'), 'id')
    .addColumn('mailbox_id', big, (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('uid', big, (c) => c.notNull())
    .addColumn('modseq', big, (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('internal_date', big, (c) => c.notNull())
    .addColumn('seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answered', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('draft', 'integer', (c) => c.notNull().defaultTo(0))
    // Keywords (IMAP user flags), space-separated, in the case first given.
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('from_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cc_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('message_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sent_date', big)
    // IMAP-ready structure cached at delivery (JSON): FETCH never re-parses the message.
    .addColumn('structure', 'text', (c) => c.notNull().defaultTo('{}'))
    // SPF/DKIM/DMARC/ARC verdicts for inbound mail (JSON), for the webmail's sender checks.
    .addColumn('auth_results', 'text')
    // Lower-cased decoded headers and text for SEARCH and the webmail, cut to a bounded size.
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', big, (c) => c.notNull())
    .addUniqueConstraint('messages_mailbox_uid_uq', ['mailbox_id', 'uid'])
    .execute();
  await db.schema.createIndex('messages_mailbox_modseq_idx').on('messages').columns(['mailbox_id', 'modseq']).execute();
  await db.schema.createIndex('messages_mailbox_date_idx').on('messages').columns(['mailbox_id', 'internal_date']).execute();
  await db.schema.createIndex('messages_blob_idx').on('messages').column('blob_id').execute();
  await db.schema.createIndex('messages_account_idx').on('messages').column('account_id').execute();

  // Every change, in the transaction that makes it: IDLE, live updates and QRESYNC read from here.
  await traits
    .addIdColumn(db.schema.createTable('mailbox_changes'), 'id')
    .addColumn('mailbox_id', big, (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('modseq', big, (c) => c.notNull())
    .addColumn('uid', big, (c) => c.notNull())
    // 'append' | 'flags' | 'expunge'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailbox_changes_mailbox_modseq_idx').on('mailbox_changes').columns(['mailbox_id', 'modseq']).execute();
}
