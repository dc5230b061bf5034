// DKIM signing keys per domain: the private key only as AES-256-GCM ciphertext under the server key, at most one active key per domain and algorithm.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  await traits
    .addIdColumn(db.schema.createTable('dkim_keys'), 'id')
    .addColumn('domain_id', big, (c) => c.notNull().references('domains.id').onDelete('cascade'))
    // The DNS label under _domainkey (s= tag).
    .addColumn('selector', 'text', (c) => c.notNull())
    // 'rsa-sha256' (RSA 2048) | 'ed25519-sha256' (RFC 8463).
    .addColumn('algorithm', 'text', (c) => c.notNull())
    // The p= value of the DNS record: base64 SPKI (RSA) or the raw 32-byte key (Ed25519).
    .addColumn('public_key', 'text', (c) => c.notNull())
    // AES-256-GCM of the PKCS#8 DER private key (base64 each): a copied database or backup alone cannot sign as the domain.
    .addColumn('private_key_iv', 'text', (c) => c.notNull())
    .addColumn('private_key_tag', 'text', (c) => c.notNull())
    .addColumn('private_key_ciphertext', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('retired_at', big)
    .addUniqueConstraint('dkim_keys_selector_unique', ['domain_id', 'selector'])
    .execute();
  // Two admins rotating at once must not leave two active keys: the second insert fails instead.
  await db.schema
    .createIndex('dkim_keys_active_idx')
    .on('dkim_keys')
    .columns(['domain_id', 'algorithm'])
    .unique()
    .where(sql.ref('active'), '=', 1)
    .execute();
}
