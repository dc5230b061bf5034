// The highest UIDVALIDITY each account has given a mailbox, kept when the mailbox is deleted: a name created again must get a new one (RFC 3501 §2.3.1.1).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const big = traits.bigintType;
  await db.schema
    .createTable('mailbox_uid_validity')
    .addColumn('account_id', big, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('last_uid_validity', big, (c) => c.notNull())
    .execute();
  await sql`insert into mailbox_uid_validity (account_id, last_uid_validity) select account_id, max(uid_validity) from mailboxes group by account_id`.execute(db);
}
