// The durable outbound queue: one row per remote recipient, retried with back-off until delivered, bounced or expired.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  await traits
    .addIdColumn(db.schema.createTable('outbound_queue'), 'id')
    // The submitting account, or null for forwarded mail and bounces.
    .addColumn('account_id', big, (c) => c.references('accounts.id').onDelete('set null'))
    // Envelope sender ('' for a bounce: RFC 5321 null reverse-path).
    .addColumn('mail_from', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('size', big, (c) => c.notNull())
    // 'queued' | 'sending' | 'failed'; a delivered recipient's row is deleted.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', big, (c) => c.notNull())
    // A worker claims a row until this time; a crashed worker's claim lapses and the row is retried.
    .addColumn('locked_until', big, (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    // RFC 3461 DSN parameters given at submission (NOTIFY, RET, ENVID, ORCPT), as JSON.
    .addColumn('dsn', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbound_queue_due_idx').on('outbound_queue').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbound_queue_blob_idx').on('outbound_queue').column('blob_id').execute();
}
