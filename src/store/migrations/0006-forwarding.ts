// The auto-forwarding list of each account.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  await db.schema
    .createTable('forwarding')
    .addColumn('account_id', traits.bigintType, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    // JSON array of normalised addresses.
    .addColumn('addresses', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('keep_copy', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', traits.bigintType, (c) => c.notNull())
    .execute();
}
