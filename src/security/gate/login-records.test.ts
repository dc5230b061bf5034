// Login records over SQLite and PostgreSQL: every field kept, pages newest first with a stable cursor, pruning, and the index at scale.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CompiledQuery } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import type { NewLoginRecord, Tables } from '../../store/index.js';
import type { LoginRecordQuery } from '../../store/index.js';
import { createLoginRecordRepository } from '../../store/repositories/login-record-repository.js';
import { insertAccount } from '../../../test/support/account-rows.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { FIXTURE_DOMAIN, FIXTURE_NOW, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import type { LoginRecordInput, LoginRecordView } from './login-records.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;

describeOnEveryDialect('login records', securityFixture(), (f, dialect) => {
  let alice: Account;
  beforeEach(async () => {
    alice = await f.addUser('alice');
  });

  function record(overrides: Partial<LoginRecordInput> = {}): LoginRecordInput {
    return {
      time: FIXTURE_NOW,
      accountId: alice.id,
      username: ALICE,
      protocol: 'imap',
      ip: '192.0.2.1',
      client: 'Thunderbird',
      result: 'failure',
      reason: 'bad_credentials',
      credential: null,
      ...overrides,
    };
  }

  async function addAll(inputs: LoginRecordInput[]): Promise<void> {
    for (const input of inputs) f.security.loginRecords.add(input);
    await f.security.flush();
  }

  async function allPages(options: { limit: number; result?: 'success' | 'failure' }): Promise<LoginRecordView[]> {
    const out: LoginRecordView[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 1000; guard++) {
      const page = await f.security.loginRecords.page({ accountId: alice.id, ...options, ...(cursor ? { cursor } : {}) });
      expect(page.records.length).toBeLessThanOrEqual(options.limit);
      out.push(...page.records);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  it('stores every field of a real sign-in: time, protocol, canonical IP, client, result, reason, credential, location', async () => {
    f.setNow(FIXTURE_NOW + 1234);
    await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '::ffff:198.51.100.23', client: 'Thunderbird 128' });
    await f.login({ protocol: 'pop3', username: ALICE, secret: 'wrong', remoteIp: '2001:DB8::5', client: 'Outlook' });
    await f.security.flush();
    const { records } = await f.security.loginRecords.page({ accountId: alice.id });
    expect(records.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        time: FIXTURE_NOW + 1234,
        protocol: 'pop3',
        ip: '2001:0db8:0000:0000:0000:0000:0000:0005',
        client: 'Outlook',
        result: 'failure',
        reason: 'bad_credentials',
        credential: null,
        // No GeoIP database in this fixture: a public address cannot be placed.
        location: 'Unknown',
      },
      {
        time: FIXTURE_NOW + 1234,
        protocol: 'imap',
        ip: '198.51.100.23',
        client: 'Thunderbird 128',
        result: 'success',
        reason: 'ok',
        credential: 'password',
        location: 'Unknown',
      },
    ]);
    for (const r of records) expect(typeof r.id).toBe('number');
  });

  it('writes queued records on its own within moments (no flush needed)', async () => {
    f.security.loginRecords.add(record());
    const written = async (): Promise<number> => (await f.security.loginRecords.page({ accountId: alice.id })).records.length;
    // page() reads the store and never flushes: only the writer's own timer can bring the record there.
    expect(await waitFor(written, { timeout: 2000, what: 'the queued record in the store' })).toBe(1);
  });

  it('pages newest first, filters by result and by time range [from, to)', async () => {
    await addAll([
      record({ time: FIXTURE_NOW + 1, result: 'success', reason: 'ok', credential: 'password' }),
      record({ time: FIXTURE_NOW + 3 }),
      record({ time: FIXTURE_NOW + 2, result: 'success', reason: 'ok', credential: 'app_password' }),
      record({ time: FIXTURE_NOW + 4, reason: 'throttled' }),
      record({ time: FIXTURE_NOW + 5, accountId: null, username: 'nobody@example.test', reason: 'unknown_user' }),
    ]);
    const times = async (options: { result?: 'success' | 'failure'; from?: number; to?: number }): Promise<number[]> =>
      (await f.security.loginRecords.page({ accountId: alice.id, ...options })).records.map((r) => r.time - FIXTURE_NOW);
    expect(await times({})).toEqual([4, 3, 2, 1]);
    expect(await times({ result: 'success' })).toEqual([2, 1]);
    expect(await times({ result: 'failure' })).toEqual([4, 3]);
    expect(await times({ from: FIXTURE_NOW + 2, to: FIXTURE_NOW + 4 })).toEqual([3, 2]);
    expect(await times({ from: FIXTURE_NOW + 2, to: FIXTURE_NOW + 4, result: 'success' })).toEqual([2]);
    expect(await times({ from: FIXTURE_NOW + 10 })).toEqual([]);
  });

  it('paginates with a cursor across equal timestamps: no duplicates, no gaps, same order as one big page', async () => {
    const inputs: LoginRecordInput[] = [];
    for (let i = 0; i < 23; i++) {
      // Five records share each timestamp, in insertion order that differs from time order.
      inputs.push(record({ time: FIXTURE_NOW + ((i * 7) % 5) * 1000, result: i % 3 === 0 ? 'success' : 'failure', reason: i % 3 === 0 ? 'ok' : 'bad_credentials' }));
    }
    await addAll(inputs);
    const everything = (await f.security.loginRecords.page({ accountId: alice.id, limit: 500 })).records;
    expect(everything).toHaveLength(23);
    for (const limit of [1, 4, 5, 7, 23]) {
      const paged = await allPages({ limit });
      expect(paged.map((r) => r.id)).toEqual(everything.map((r) => r.id));
      expect(new Set(paged.map((r) => r.id)).size).toBe(23);
    }
    // Newest first, and by id within one timestamp.
    for (let i = 1; i < everything.length; i++) {
      const [a, b] = [everything[i - 1]!, everything[i]!];
      expect(a.time > b.time || (a.time === b.time && a.id > b.id)).toBe(true);
    }
    const failures = await allPages({ limit: 4, result: 'failure' });
    expect(failures.map((r) => r.id)).toEqual(everything.filter((r) => r.result === 'failure').map((r) => r.id));
    // A page exactly as long as what is left has no next cursor.
    expect((await f.security.loginRecords.page({ accountId: alice.id, limit: 23 })).nextCursor).toBeUndefined();
  });

  it('refuses a malformed cursor with INVALID_INPUT', async () => {
    await addAll([record()]);
    for (const cursor of ['not a cursor!', Buffer.from('1:2:3').toString('base64url'), Buffer.from('-1:2').toString('base64url'), Buffer.from("1' or 1=1").toString('base64url')]) {
      expect(await codeOf(f.security.loginRecords.page({ accountId: alice.id, cursor }))).toBe('INVALID_INPUT');
    }
  });

  it('prune() removes only records older than the cutoff', async () => {
    await addAll([100, 200, 299, 300, 301, 400].map((t) => record({ time: FIXTURE_NOW + t })));
    expect(await f.security.loginRecords.prune({ before: FIXTURE_NOW + 300, batch: 2 })).toBe(3);
    const left = (await f.security.loginRecords.page({ accountId: alice.id })).records.map((r) => r.time - FIXTURE_NOW);
    expect(left).toEqual([400, 301, 300]);
    expect(await f.security.loginRecords.prune({ before: FIXTURE_NOW + 300 })).toBe(0);
  });

  it('sanitises what clients send: control characters replaced, fields cut to 256 characters', async () => {
    const client = `evil\r\n* OK forged\u0000\u001b[31m\u009b2J\u007f${'x'.repeat(1000)}`;
    await f.login({ protocol: 'imap', username: ALICE, secret: 'wrong', client });
    await addAll([record({ username: `${'u'.repeat(300)}\n`, ip: '1.2.3.4\r\n' })]);
    const { records } = await f.security.loginRecords.page({ accountId: alice.id });
    const stored = records.find((r) => r.client.startsWith('evil'))!;
    expect(stored.client).toHaveLength(256);
    expect(stored.client).not.toMatch(/\p{Cc}/u);
    expect(stored.client.startsWith('evil??* OK forged??[31m?2J?xxx')).toBe(true);
    const raw = await f.query<{ username: string; ip: string }>('select username, ip from login_records where ip <> ? order by id', ['192.0.2.1']);
    const manual = raw.find((r) => r.username.startsWith('uuu'))!;
    expect(manual.username).toHaveLength(256);
    expect(records.find((r) => r.ip.startsWith('1.2.3.4'))?.ip).toBe('1.2.3.4??');
  });

  it('an unknown name is recorded without an account and never shows up in an account’s page', async () => {
    await f.login({ username: 'nobody@example.test', secret: 'x' });
    await f.security.flush();
    expect((await f.security.loginRecords.page({ accountId: alice.id })).records).toEqual([]);
    const rows = await f.query<{ account_id: unknown; reason: string }>('select account_id, reason from login_records');
    expect(rows).toEqual([{ account_id: null, reason: 'unknown_user' }]);
  });

  if (dialect === 'sqlite') {
    it('keeps one account’s page an index range scan with 200,000 other rows in the table', async () => {
      const others: number[] = [];
      for (let i = 0; i < 20; i++) {
        const row = await insertAccount(f.store, `other${i}@${FIXTURE_DOMAIN}`, { domainId: alice.domainId, now: FIXTURE_NOW });
        others.push(row.id);
      }
      const row = (accountId: number, i: number): NewLoginRecord => ({
        time: FIXTURE_NOW - i * 1000,
        account_id: accountId,
        username: 'x',
        protocol: 'imap',
        ip: `10.0.${i % 256}.1`,
        client: '',
        result: i % 4 === 0 ? 'success' : 'failure',
        reason: i % 4 === 0 ? 'ok' : 'bad_credentials',
        credential: null,
      });
      const BATCH = 2000;
      for (let start = 0; start < 200_000; start += BATCH) {
        await f.store.loginRecords.insertMany(Array.from({ length: BATCH }, (_, k) => row(others[(start + k) % others.length]!, start + k)));
      }
      await f.store.loginRecords.insertMany(Array.from({ length: 1000 }, (_, i) => row(alice.id, i)));

      // The repository's own queries, compiled by Kysely and explained on a raw connection to the same file.
      const raw = new BetterSqlite3(f.sqliteFile!, { readonly: true });
      const captured: CompiledQuery[] = [];
      const db = new Kysely<Tables>({
        dialect: new SqliteDialect({ database: raw }),
        log: (event) => {
          captured.push(event.query);
        },
      });
      try {
        const repository = createLoginRecordRepository(db);
        const queries: LoginRecordQuery[] = [
          { accountId: alice.id, limit: 51 },
          { accountId: alice.id, limit: 51, result: 'failure' },
          { accountId: alice.id, limit: 51, result: 'success', from: FIXTURE_NOW - 500_000, to: FIXTURE_NOW },
          { accountId: alice.id, limit: 51, after: { time: FIXTURE_NOW - 100_000, id: 200_100 } },
          { accountId: alice.id, limit: 51, result: 'failure', after: { time: FIXTURE_NOW - 100_000, id: 200_100 } },
        ];
        for (const query of queries) {
          captured.length = 0;
          const rows = await repository.page(query);
          expect(rows.length).toBeGreaterThan(0);
          expect(rows.every((r) => r.account_id === alice.id)).toBe(true);
          const compiled = captured[0]!;
          const plan = raw
            .prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
            .all(...(compiled.parameters as unknown[]))
            .map((r) => (r as { detail: string }).detail)
            .join('\n');
          expect(plan, JSON.stringify(query)).toMatch(/USING (COVERING )?INDEX login_records_account_(result_)?time_idx/);
          expect(plan, JSON.stringify(query)).not.toMatch(/SCAN login_records(?! USING)/);
          expect(plan, JSON.stringify(query)).not.toMatch(/TEMP B-TREE/);
        }
        // And the page itself answers quickly even on a busy test machine.
        const started = performance.now();
        const page = await f.security.loginRecords.page({ accountId: alice.id, result: 'failure', limit: 50 });
        expect(page.records).toHaveLength(50);
        expect(performance.now() - started).toBeLessThan(250);
      } finally {
        await db.destroy();
      }
    });
  }
});
