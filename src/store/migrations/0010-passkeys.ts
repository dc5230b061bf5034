// Passkeys (WebAuthn credentials): several per account, as a second factor or a password-less first one.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  // Binary values (credential id, COSE public key, user handle) are base64url text, not blob/bytea,
  // so both dialects store, compare and index them the same way.
  await traits
    .addIdColumn(db.schema.createTable('passkeys'), 'id')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    // The WebAuthn user.id the credential was made for (random, never the address: authenticators
    // may show or sync it). A discoverable sign-in must present the same one (WebAuthn §7.2 step 6).
    .addColumn('user_handle', 'text', (c) => c.notNull())
    // The signature counter last seen: an authenticator that counts must always go up (§6.1.1).
    .addColumn('counter', big, (c) => c.notNull().defaultTo(0))
    // Comma-separated hints the browser gave at registration (usb, nfc, ble, hybrid, internal …).
    .addColumn('transports', 'text', (c) => c.notNull().defaultTo(''))
    // 'singleDevice' | 'multiDevice' (the BE flag): whether the credential may be synced elsewhere.
    .addColumn('device_type', 'text', (c) => c.notNull())
    // The BS flag as last reported: the credential is currently backed up (synced).
    .addColumn('backed_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('last_used_at', big)
    .execute();
  // A credential id belongs to one account only (WebAuthn §7.1 step 26: refuse one already registered).
  await db.schema.createIndex('passkeys_credential_id_idx').on('passkeys').column('credential_id').unique().execute();
  await db.schema.createIndex('passkeys_account_name_idx').on('passkeys').columns(['account_id', 'name']).unique().execute();
}
