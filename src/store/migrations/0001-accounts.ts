// Domains, accounts, aliases, policies and the PostgreSQL blob table.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  await traits
    .addIdColumn(db.schema.createTable('domains'), 'id')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await traits
    .addIdColumn(db.schema.createTable('accounts'), 'id')
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('local_part', 'text', (c) => c.notNull())
    .addColumn('domain_id', big, (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('disabled_reason', 'text')
    .addColumn('disabled_at', big)
    .addColumn('quota_bytes', big, (c) => c.notNull().defaultTo(0))
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_domain_idx').on('accounts').column('domain_id').execute();

  await traits
    .addIdColumn(db.schema.createTable('aliases'), 'id')
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('domain_id', big, (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aliases_account_idx').on('aliases').column('account_id').execute();

  await db.schema
    .createTable('policies')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('policies_pk', ['scope', 'key'])
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('size', big, (c) => c.notNull())
    .addColumn('data', traits.binaryType, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
}
