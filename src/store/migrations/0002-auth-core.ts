// The authentication core: service switches and revocation epochs on accounts, login records, app passwords, audit log.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  const alter = (column: string, type: 'integer' | 'text' | typeof big, options: { default?: number }) =>
    db.schema
      .alterTable('accounts')
      .addColumn(column, type, (c) => (options.default === undefined ? c : c.notNull().defaultTo(options.default)))
      .execute();
  await alter('smtp_enabled', 'integer', { default: 1 });
  await alter('imap_enabled', 'integer', { default: 1 });
  await alter('pop3_enabled', 'integer', { default: 1 });
  await alter('security_code_hash', 'text', {});
  await alter('password_hint', 'text', {});
  await alter('password_changed_at', big, { default: 0 });
  // Sessions (web and protocol) that began before this time are revoked (force logout, disable).
  await alter('sessions_valid_after', big, { default: 0 });
  // Protocol sessions signed in with the account password (not an app password) that began before this are revoked.
  await alter('password_sessions_valid_after', big, { default: 0 });
  await alter('two_factor_enabled', 'integer', { default: 0 });

  await traits
    .addIdColumn(db.schema.createTable('login_records'), 'id')
    .addColumn('time', big, (c) => c.notNull())
    .addColumn('account_id', big, (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('credential', 'text')
    .execute();
  // One account's newest-first page, all or by result, stays an index range scan at any table size.
  await db.schema.createIndex('login_records_account_time_idx').on('login_records').columns(['account_id', 'time', 'id']).execute();
  await db.schema
    .createIndex('login_records_account_result_time_idx')
    .on('login_records')
    .columns(['account_id', 'result', 'time', 'id'])
    .execute();
  // "Has this account signed in from this address before?" (known networks, new-IP alerts).
  await db.schema.createIndex('login_records_account_ip_idx').on('login_records').columns(['account_id', 'ip', 'result', 'time']).execute();
  await db.schema.createIndex('login_records_time_idx').on('login_records').column('time').execute();

  await traits
    .addIdColumn(db.schema.createTable('app_passwords'), 'id')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('protocols', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('created_ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_used_at', big)
    .addColumn('last_used_ip', 'text')
    .execute();
  await db.schema.createIndex('app_passwords_account_idx').on('app_passwords').column('account_id').execute();

  await traits
    .addIdColumn(db.schema.createTable('audit_log'), 'id')
    .addColumn('time', big, (c) => c.notNull())
    // Kept when the account is deleted: the address column still names it.
    .addColumn('account_id', big, (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('account_address', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_account_time_idx').on('audit_log').columns(['account_id', 'time', 'id']).execute();
  await db.schema.createIndex('audit_log_time_idx').on('audit_log').columns(['time', 'id']).execute();
}
