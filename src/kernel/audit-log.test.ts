// AuditLog over SQLite and PostgreSQL: per-account and global listings, newest first, pages, and entries that outlive the account.
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../accounts/index.js';
import { describeOnEveryDialect } from '../../test/support/every-dialect.js';
import { T0, accountSecurityFixture } from '../../test/support/account-security-fixture.js';
import { changePolicy } from '../security/notices/policy-changes.js';

describeOnEveryDialect('AuditLog', accountSecurityFixture({ perTest: true }), (f) => {
  let alice: Account;
  let bob: Account;

  beforeEach(async () => {
    alice = await f.addAccount('alice@example.org', 'Initial-Passw0rd-9');
    bob = await f.addAccount('bob@example.org', 'Initial-Passw0rd-9');
  });

  /** Ten entries, alternating alice/bob, one a second; two share a time to exercise the id tie-break. */
  async function seed(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      if (i !== 5) f.clock.advance(1000);
      await f.security.audit.append({
        actor: 'admin:cli',
        action: 'services.changed',
        account: i % 2 === 0 ? alice : bob,
        ip: `192.0.2.${i}`,
        details: { n: i },
      });
    }
  }

  it('lists one account newest first, with its fields', async () => {
    await seed();
    const entries = await f.security.audit.list({ accountId: alice.id });
    expect(entries.map((e) => e.details.n)).toEqual([8, 6, 4, 2, 0]);
    expect(entries[0]).toMatchObject({ account: 'alice@example.org', actor: 'admin:cli', ip: '192.0.2.8', action: 'services.changed', time: T0 + 8000 });
    expect(typeof entries[0]!.id).toBe('number');
    expect((await f.security.audit.list({ accountId: bob.id })).map((e) => e.details.n)).toEqual([9, 7, 5, 3, 1]);
  });

  it('lists globally newest first, including entries about no account', async () => {
    await seed();
    f.clock.advance(1000);
    await changePolicy({ policies: f.policies, audit: f.security.audit }, { key: 'auth.max_failures', value: 3, by: { actor: 'admin:cli', ip: '192.0.2.99' } });
    const entries = await f.security.audit.list();
    expect(entries[0]).toMatchObject({ action: 'policy.changed', account: null, details: { key: 'auth.max_failures', scope: 'global', before: 5, after: 3 } });
    expect(entries.slice(1).map((e) => e.details.n)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // Entries 4 and 5 share a time: the later id comes first.
    expect(entries[5]!.time).toBe(entries[6]!.time);
    expect(entries[5]!.id).toBeGreaterThan(entries[6]!.id);
  });

  it('pages with `after` (time, id) without gaps or repeats, globally and per account', async () => {
    await seed();
    const all = await f.security.audit.list();
    const paged: number[] = [];
    let after: { time: number; id: number } | undefined;
    for (;;) {
      const page = await f.security.audit.list({ limit: 3, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(3);
      paged.push(...page.map((e) => e.details.n as number));
      const last = page[page.length - 1]!;
      after = { time: last.time, id: last.id };
    }
    expect(paged).toEqual(all.map((e) => e.details.n));
    expect(paged).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    const first = await f.security.audit.list({ accountId: bob.id, limit: 2 });
    expect(first.map((e) => e.details.n)).toEqual([9, 7]);
    const second = await f.security.audit.list({ accountId: bob.id, limit: 2, after: { time: first[1]!.time, id: first[1]!.id } });
    expect(second.map((e) => e.details.n)).toEqual([5, 3]);
  });

  it('keeps the entries of a deleted account, with its address and no account id', async () => {
    await seed();
    await f.security.audit.append({ actor: 'admin:cli', action: 'account.deleted', account: alice });
    await f.accounts.deleteUser(alice.address);
    expect(await f.store.accounts.findById(alice.id)).toBeUndefined();

    expect(await f.security.audit.list({ accountId: alice.id })).toEqual([]);
    const rows = await f.store.audit.page({ limit: 100 });
    const aliceRows = rows.filter((r) => r.account_address === 'alice@example.org');
    expect(aliceRows).toHaveLength(6);
    for (const row of aliceRows) expect(row.account_id).toBeNull();
    expect(rows.filter((r) => r.account_address === 'bob@example.org').every((r) => r.account_id === bob.id)).toBe(true);
    const global = await f.security.audit.list();
    expect(global[0]).toMatchObject({ action: 'account.deleted', account: 'alice@example.org' });
    expect(global.filter((e) => e.account === 'alice@example.org').map((e) => e.details.n)).toEqual([undefined, 8, 6, 4, 2, 0]);
  });

  it('caps a page at 1000 and defaults to 100', async () => {
    for (let i = 0; i < 105; i++) await f.security.audit.append({ actor: 'system', action: 'sessions.revoked', account: alice });
    expect(await f.security.audit.list()).toHaveLength(100);
    expect(await f.security.audit.list({ limit: 5000 })).toHaveLength(105);
  });
});
