// The webmail's per-user choices: the language of the pages, and the senders whose remote images are shown without asking.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  // '' follows the browser; otherwise one of the webmail's languages (en, zh-TW, zh-CN).
  await db.schema.alterTable('accounts').addColumn('language', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema
    .createTable('image_senders')
    .addColumn('account_id', big, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_senders_pk', ['account_id', 'sender'])
    .execute();
}
