// `mailward queue list|retry|delete` as a child process: the listing, making an entry due, removing it, and one-line failures.
import { expect, it } from 'vitest';
import { enqueueRemote } from '../../src/transport/outbound.js';
import type { App } from '../../src/app/open-app.js';
import type { QueueEntryView } from '../../src/cli/commands/queue.js';
import { describeCLI, expectOneLineError, expectSuccess, lines, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

const RAW = Buffer.from('From: alice@example.test\r\nSubject: queued\r\n\r\nbody\r\n');

/** Three entries: one fresh, one deferred after a 451, one failed bounce (null sender). */
async function seed(app: App): Promise<{ fresh: number; deferred: number; failed: number; blobId: string }> {
  const now = app.now();
  const blob = await app.store.blobs.put(RAW);
  const [fresh, deferred, failed] = await app.store.transaction(async (tx) => [
    ...(await enqueueRemote(tx, { accountId: null, mailFrom: 'alice@example.test', recipients: [{ address: 'bob@remote.test', domain: 'remote.test' }], blob, now })),
    ...(await enqueueRemote(tx, { accountId: null, mailFrom: 'alice@example.test', recipients: [{ address: 'carol@other.test', domain: 'other.test' }], blob, now })),
    ...(await enqueueRemote(tx, { accountId: null, mailFrom: '', recipients: [{ address: 'dave@far.test', domain: 'far.test' }], blob, now })),
  ]);
  await app.store.outbound.defer(deferred!, { nextAttemptAt: now + 600_000, error: '451 4.3.0 greylisted' });
  await app.store.outbound.fail(failed!, { error: '550 5.1.1 no such user' });
  return { fresh: fresh!, deferred: deferred!, failed: failed!, blobId: blob.id };
}

describeCLI('mailward queue', {}, () => {
  it('lists entries as JSON and as a table', async () => {
    const data = tempDataDir();
    const ids = await withDataDir(data, seed);
    const entries = JSON.parse(expectSuccess(await runCLI(['queue', 'list', '--json'], { data }))) as QueueEntryView[];
    expect(entries.map((e) => [e.id, e.recipient, e.sender, e.status, e.attempts, e.lastError])).toEqual([
      [ids.fresh, 'bob@remote.test', 'alice@example.test', 'queued', 0, null],
      [ids.deferred, 'carol@other.test', 'alice@example.test', 'deferred', 1, '451 4.3.0 greylisted'],
      [ids.failed, 'dave@far.test', '<>', 'failed', 1, '550 5.1.1 no such user'],
    ]);
    expect(Date.parse(entries[1]!.nextAttemptAt!)).toBeGreaterThan(Date.now());
    expect(entries[2]!.nextAttemptAt).toBeNull();
    expect(entries[0]!.size).toBe(RAW.length);
    expect(Object.keys(entries[0]!).sort()).toEqual(['attempts', 'createdAt', 'expiresAt', 'id', 'lastError', 'nextAttemptAt', 'recipient', 'sender', 'size', 'status']);

    const table = lines(expectSuccess(await runCLI(['queue', 'list'], { data })));
    expect(table[0]).toMatch(/^ID\s+RECIPIENT\s+SENDER\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR$/);
    expect(table).toHaveLength(4);
    expect(table[3]).toMatch(new RegExp(`^${ids.failed}\\s+dave@far\\.test\\s+<>\\s+failed\\s+1\\s+-\\s+550 5\\.1\\.1 no such user$`));
  });

  it('retries an entry now, a failed one included', async () => {
    const data = tempDataDir();
    const ids = await withDataDir(data, seed);
    const before = Date.now();
    expect(expectSuccess(await runCLI(['queue', 'retry', String(ids.deferred)], { data }))).toBe(`queue entry ${ids.deferred} will be retried now\n`);
    expect(expectSuccess(await runCLI(['queue', 'retry', String(ids.failed)], { data }))).toBe(`queue entry ${ids.failed} will be retried now\n`);
    const rows = await withDataDir(data, (app) => app.store.outbound.list());
    for (const id of [ids.deferred, ids.failed]) {
      const row = rows.find((r) => r.id === id)!;
      expect(row.status).toBe('queued');
      expect(row.next_attempt_at).toBeGreaterThanOrEqual(before);
      expect(row.next_attempt_at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('deletes entries, and the message body with the last one', async () => {
    const data = tempDataDir();
    const ids = await withDataDir(data, seed);
    expect(expectSuccess(await runCLI(['queue', 'delete', String(ids.fresh)], { data }))).toBe(`queue entry ${ids.fresh} (bob@remote.test) deleted\n`);
    expect(await withDataDir(data, (app) => app.store.blobs.has(ids.blobId))).toBe(true);
    expectSuccess(await runCLI(['queue', 'delete', String(ids.deferred)], { data }));
    expectSuccess(await runCLI(['queue', 'delete', String(ids.failed)], { data }));
    const state = await withDataDir(data, async (app) => ({ rows: await app.store.outbound.list(), blob: await app.store.blobs.has(ids.blobId) }));
    expect(state).toEqual({ rows: [], blob: false });
  });

  it('fails with one line for an unknown or malformed id', async () => {
    const data = tempDataDir();
    await withDataDir(data, seed);
    expectOneLineError(await runCLI(['queue', 'retry', '999'], { data }), { code: 1, matches: /^mailward: queue entry 999 does not exist$/ });
    expectOneLineError(await runCLI(['queue', 'delete', '999'], { data }), { code: 1, matches: /^mailward: queue entry 999 does not exist$/ });
    expectOneLineError(await runCLI(['queue', 'delete', 'abc'], { data }), { code: 1, matches: /queue id must be a positive integer, got "abc"/ });
    expectOneLineError(await runCLI(['queue', 'retry'], { data }), { code: 2 });
    expect(await withDataDir(data, async (app) => (await app.store.outbound.list()).length)).toBe(3);
  });
});
