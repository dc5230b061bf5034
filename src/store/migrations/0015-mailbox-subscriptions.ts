// IMAP subscriptions as a list of names of their own (RFC 3501 §6.3.6): a subscription outlives its mailbox, and creating a mailbox subscribes nothing by itself.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  await db.schema
    .createTable('mailbox_subscriptions')
    .addColumn('account_id', traits.bigintType, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // The full mailbox name as stored (INBOX in that case), whether or not the mailbox exists.
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mailbox_subscriptions_pk', ['account_id', 'name'])
    .execute();
  // Every mailbox was subscribed when created; what a client unsubscribed stays unsubscribed.
  await sql`insert into mailbox_subscriptions (account_id, name) select account_id, name from mailboxes where subscribed = 1`.execute(db);
  await db.schema.alterTable('mailboxes').dropColumn('subscribed').execute();
}
