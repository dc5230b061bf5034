// Two-factor sign-in: encrypted TOTP secrets with the last accepted time step, hashed backup codes, and the location of login records.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  // One row per account: the pending secret of an enrolment in progress and/or the active one.
  // Secrets are sealed with AES-256-GCM (server key, purpose 'totp-encryption'); never plain text.
  await db.schema
    .createTable('totp_secrets')
    .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('secret_sealed', 'text')
    .addColumn('pending_sealed', 'text')
    .addColumn('pending_created_at', big)
    // The last time step (unix time / 30 s) a code was accepted for: a code is good once (RFC 6238 §5.2).
    .addColumn('last_step', big, (c) => c.notNull().defaultTo(0))
    .addColumn('enabled_at', big)
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await traits
    .addIdColumn(db.schema.createTable('backup_codes'), 'id')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // Keyed hash (HMAC-SHA-256, server key purpose 'backup-code') of the normalised code.
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('used_at', big)
    .addColumn('used_ip', 'text')
    .execute();
  await db.schema.createIndex('backup_codes_account_hash_idx').on('backup_codes').columns(['account_id', 'code_hash']).unique().execute();

  // Where a sign-in came from, resolved once when the record is written (offline GeoIP database).
  await db.schema.alterTable('login_records').addColumn('location', 'text', (c) => c.notNull().defaultTo('')).execute();
}
