// IMAP subscriptions over SQLite and PostgreSQL: idempotent adds, per-account lists, removal, rows that go with their account; and the migration that moved them off the mailbox rows.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeOnEveryDialect, liveStore, testStore } from '../../../test/support/every-dialect.js';
import { openSQLite } from '../dialects/sqlite/sqlite-database.js';
import { SQLITE_TRAITS } from '../dialects/sqlite/sqlite-traits.js';
import type { Store } from '../index.js';
import * as m0001 from '../migrations/0001-accounts.js';
import * as m0003 from '../migrations/0003-mail.js';
import * as m0015 from '../migrations/0015-mailbox-subscriptions.js';

const NOW = 1_700_000_000_000;

async function addAccount(store: Store, address: string, domainId: number): Promise<number> {
  const row = await store.accounts.create({
    address,
    local_part: address.split('@')[0]!,
    domain_id: domainId,
    display_name: 'A',
    password_hash: '$argon2id$x',
    status: 'active',
    quota_bytes: 0,
    is_admin: 0,
    must_change_password: 0,
    created_at: NOW,
    updated_at: NOW,
  });
  return row.id;
}

describeOnEveryDialect('mailbox subscriptions', testStore, (t) => {
  const store = liveStore(t);

  it('subscribes a name once, keeps accounts apart, removes it, and drops the rows with the account', async () => {
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const alice = await addAccount(store, 'alice@example.test', domain.id);
    const bob = await addAccount(store, 'bob@example.test', domain.id);
    await store.subscriptions.add(alice, 'Lists/ietf');
    await store.subscriptions.add(alice, 'Lists/ietf');
    // A name need not be a mailbox: a subscription outlives its mailbox.
    await store.subscriptions.add(alice, 'INBOX');
    expect(await store.subscriptions.list(alice)).toEqual(['INBOX', 'Lists/ietf']);
    expect(await store.subscriptions.list(bob)).toEqual([]);
    expect(await store.subscriptions.remove(bob, 'INBOX')).toBe(false);
    expect(await store.subscriptions.remove(alice, 'INBOX')).toBe(true);
    expect(await store.subscriptions.remove(alice, 'INBOX')).toBe(false);
    await store.accounts.delete(alice);
    expect(await store.subscriptions.list(alice)).toEqual([]);
  });
});

it('0015 keeps what was subscribed on the mailbox rows, and nothing that was not', async () => {
  const db = openSQLite({ file: ':memory:' }) as unknown as Kysely<unknown>;
  try {
    // Only the tables 0015 reads and writes: accounts (and what they reference) and mailboxes.
    await m0001.up(db, SQLITE_TRAITS);
    await m0003.up(db, SQLITE_TRAITS);
    await sql`insert into domains (name, created_at) values ('example.test', 0)`.execute(db);
    const account = await sql<{ id: number }>`insert into accounts (address, local_part, domain_id, display_name, password_hash, created_at, updated_at) values ('a@example.test', 'a', 1, 'A', 'x', 0, 0) returning id`.execute(db);
    const accountId = account.rows[0]!.id;
    for (const [name, subscribed] of [['INBOX', 1], ['Old', 0], ['Work', 1]] as const) {
      await sql`insert into mailboxes (account_id, name, uid_validity, subscribed, created_at) values (${accountId}, ${name}, 1, ${subscribed}, 0)`.execute(db);
    }
    await m0015.up(db, SQLITE_TRAITS);
    const rows = await sql<{ name: string }>`select name from mailbox_subscriptions where account_id = ${accountId} order by name`.execute(db);
    expect(rows.rows.map((r) => r.name)).toEqual(['INBOX', 'Work']);
    const columns = await sql<{ name: string }>`select name from pragma_table_info('mailboxes')`.execute(db);
    expect(columns.rows.map((c) => c.name)).not.toContain('subscribed');
  } finally {
    await db.destroy();
  }
});
