// The image-senders list over SQLite and PostgreSQL: idempotent adds, per-account rows, removal, and rows that go with their account.
import { expect, it } from 'vitest';
import { insertAccount } from '../../../test/support/account-rows.js';
import { describeOnEveryDialect, liveStore, testStore } from '../../../test/support/every-dialect.js';

const NOW = 1_700_000_000_000;

describeOnEveryDialect('image senders', testStore, (t) => {
  const store = liveStore(t);

  it('adds a sender once, keeps each account apart, removes it, and drops the rows with the account', async () => {
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const alice = (await insertAccount(store, 'alice@example.test', { domainId: domain.id, now: NOW })).id;
    const bob = (await insertAccount(store, 'bob@example.test', { domainId: domain.id, now: NOW })).id;

    expect(await store.imageSenders.add({ accountId: alice, sender: 'news@shop.example', now: NOW })).toEqual({ account_id: alice, sender: 'news@shop.example', created_at: NOW });
    // Again, later: nothing changes, the first time stays.
    expect(await store.imageSenders.add({ accountId: alice, sender: 'news@shop.example', now: NOW + 5 })).toMatchObject({ created_at: NOW });
    await store.imageSenders.add({ accountId: alice, sender: 'a@early.example', now: NOW + 1 });
    expect((await store.imageSenders.list(alice)).map((r) => r.sender)).toEqual(['news@shop.example', 'a@early.example']);
    expect(await store.imageSenders.count(alice)).toBe(2);
    expect(await store.imageSenders.has(alice, 'news@shop.example')).toBe(true);
    expect(await store.imageSenders.has(bob, 'news@shop.example')).toBe(false);
    expect(await store.imageSenders.list(bob)).toEqual([]);

    expect(await store.imageSenders.remove(bob, 'news@shop.example')).toBe(false);
    expect(await store.imageSenders.remove(alice, 'news@shop.example')).toBe(true);
    expect(await store.imageSenders.remove(alice, 'news@shop.example')).toBe(false);
    expect(await store.imageSenders.count(alice)).toBe(1);

    await store.accounts.delete(alice);
    expect(await store.imageSenders.count(alice)).toBe(0);
  });
});
