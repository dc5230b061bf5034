// Devices (browsers and mail clients) with their trust and force-logout epoch, server-side web sessions, and the account's trust epoch.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  // Device trust given before this time (ms) no longer counts: a password change, a reset or
  // turning two-factor sign-in off clears every trusted device at once.
  await db.schema.alterTable('accounts').addColumn('trust_valid_after', big, (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('devices')
    // A random id (UUID), never the browser's cookie value, so ids can be shown and put in URLs.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // 'browser' | 'mail_client'
    .addColumn('kind', 'text', (c) => c.notNull())
    // Keyed hash (server key) of the browser's device cookie, or of protocol + client + IP for a mail client.
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('os', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('client', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('first_login_at', big, (c) => c.notNull())
    .addColumn('last_login_at', big, (c) => c.notNull())
    .addColumn('last_ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('trusted_at', big)
    // Sessions of this device begun before this time are revoked (Force logout).
    .addColumn('sessions_valid_after', big, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('devices_account_key_idx').on('devices').columns(['account_id', 'key_hash']).unique().execute();
  await db.schema.createIndex('devices_account_last_idx').on('devices').columns(['account_id', 'last_login_at']).execute();

  await db.schema
    .createTable('web_sessions')
    // SHA-256 of the session cookie's 256-bit value: a copy of the table signs nobody in.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_active_at', big, (c) => c.notNull())
    // When the credentials were last proven (sign-in); compared with the revocation epochs.
    .addColumn('authenticated_at', big, (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ended_at', big)
    // 'signed_out' | 'revoked' | 'timed_out' | 'expired' | 'rotated'
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('web_sessions_account_idx').on('web_sessions').columns(['account_id', 'ended_at']).execute();
  await db.schema.createIndex('web_sessions_device_idx').on('web_sessions').columns(['device_id', 'ended_at']).execute();
}
