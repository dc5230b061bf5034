// Account recovery and security alerts: alternate emails with their pending verification, password reset tokens, in-app notifications, alert preferences.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  // One row per account. `address` is the verified alternate (the only one recovery and alerts
  // use); `pending_*` is an address being verified. Changing the address keeps the old verified
  // one in force until the new one is proven, so a half-finished change never leaves the account
  // without a way back.
  await db.schema
    .createTable('alternate_emails')
    .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('address', 'text')
    .addColumn('verified_at', big)
    .addColumn('pending_address', 'text')
    // Keyed hashes (HMAC-SHA-256, server key purpose 'security-token'); never the code or token itself.
    .addColumn('pending_code_hash', 'text')
    .addColumn('pending_link_hash', 'text')
    .addColumn('pending_expires_at', big)
    // Wrong codes against this pending address: a few void it, whatever the throttle allows.
    .addColumn('pending_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  // A link is looked up by its keyed hash alone (the browser that opens it need not be signed in).
  await db.schema.createIndex('alternate_emails_link_idx').on('alternate_emails').column('pending_link_hash').unique().execute();

  await db.schema
    .createTable('password_reset_tokens')
    // Keyed hash of the 256-bit token: a copy of the table resets nobody's password.
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('expires_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .addColumn('requested_ip', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('password_reset_tokens_account_idx').on('password_reset_tokens').column('account_id').execute();
  await db.schema.createIndex('password_reset_tokens_expires_idx').on('password_reset_tokens').column('expires_at').execute();

  await traits
    .addIdColumn(db.schema.createTable('notifications'), 'id')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // JSON object of safe facts (IP, location, device); never a secret.
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('read_at', big)
    .execute();
  // Newest first per account with a (created_at, id) cursor, and the unread count, stay index scans.
  await db.schema.createIndex('notifications_account_time_idx').on('notifications').columns(['account_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('notifications_account_unread_idx').on('notifications').columns(['account_id', 'read_at']).execute();

  // Only the kinds a user switched off or on again; no row means on.
  await db.schema
    .createTable('alert_preferences')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_preferences_pk', ['account_id', 'kind'])
    .execute();
}
