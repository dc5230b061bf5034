// One store suite, run against SQLite and PostgreSQL.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { insertAccount } from '../../test/support/account-rows.js';
import { describeOnEveryDialect, liveStore, testStore } from '../../test/support/every-dialect.js';
import { GLOBAL_SCOPE, domainScope } from './index.js';
import type { Store } from './index.js';
import { expectCode } from '../../test/support/outcomes.js';

const NOW = 1_700_000_000_000;

async function collect(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

async function addAccount(store: Store, address: string, domainId: number): Promise<number> {
  return (await insertAccount(store, address, { domainId, now: NOW, displayName: 'A' })).id;
}

describeOnEveryDialect('store', testStore, (t) => {
  const store = liveStore(t);

  it('creates, lists and removes domains; a duplicate is EXISTS', async () => {
    const d = await store.domains.create({ name: 'example.test', now: NOW });
    expect(d).toMatchObject({ name: 'example.test', created_at: NOW });
    expect(typeof d.id).toBe('number');
    await expectCode(store.domains.create({ name: 'example.test', now: NOW }), 'EXISTS');
    await store.domains.create({ name: 'a.test', now: NOW });
    expect((await store.domains.list()).map((x) => x.name)).toEqual(['a.test', 'example.test']);
    await store.domains.remove('a.test');
    await expectCode(store.domains.remove('a.test'), 'NOT_FOUND');
  });

  it('keeps a domain that still has accounts', async () => {
    const d = await store.domains.create({ name: 'example.test', now: NOW });
    await addAccount(store, 'alice@example.test', d.id);
    await expectCode(store.domains.remove('example.test'), 'IN_USE');
    expect(await store.domains.findByName('example.test')).toBeDefined();
  });

  it('stores accounts with every field and refuses duplicates', async () => {
    const d = await store.domains.create({ name: 'example.test', now: NOW });
    const id = await addAccount(store, 'alice@example.test', d.id);
    const row = await store.accounts.findByAddress('alice@example.test');
    expect(row).toMatchObject({ id, local_part: 'alice', status: 'active', quota_bytes: 0, is_admin: 0, created_at: NOW });
    await expectCode(addAccount(store, 'alice@example.test', d.id), 'EXISTS');
    const updated = await store.accounts.update(id, { status: 'disabled', disabled_reason: 'left', disabled_at: NOW + 1, quota_bytes: 2 ** 40 });
    expect(updated).toMatchObject({ status: 'disabled', disabled_reason: 'left', disabled_at: NOW + 1, quota_bytes: 2 ** 40 });
    expect(await store.accounts.count()).toBe(1);
    expect((await store.accounts.list({ domainId: d.id })).length).toBe(1);
    await store.accounts.delete(id);
    expect(await store.accounts.findById(id)).toBeUndefined();
    await expectCode(store.accounts.update(id, { display_name: 'x' }), 'NOT_FOUND');
  });

  it('refuses an account in a missing domain (foreign key)', async () => {
    await expect(addAccount(store, 'bob@nowhere.test', 999_999)).rejects.toThrow();
    expect(await store.accounts.count()).toBe(0);
  });

  it('deletes the aliases of a deleted account', async () => {
    const d = await store.domains.create({ name: 'example.test', now: NOW });
    const id = await addAccount(store, 'alice@example.test', d.id);
    await store.aliases.create({ address: 'info@example.test', domainId: d.id, accountId: id, now: NOW });
    await expectCode(store.aliases.create({ address: 'info@example.test', domainId: d.id, accountId: id, now: NOW }), 'EXISTS');
    expect((await store.aliases.findByAddress('info@example.test'))?.account_id).toBe(id);
    expect((await store.aliases.listForAccount(id)).length).toBe(1);
    await store.accounts.delete(id);
    expect(await store.aliases.list()).toEqual([]);
  });

  it('sets, overrides and removes policy records by scope', async () => {
    await store.domains.create({ name: 'example.test', now: NOW });
    await store.policies.set({ scope: GLOBAL_SCOPE, key: 'password.strength', value: '"strong"', now: NOW });
    await store.policies.set({ scope: GLOBAL_SCOPE, key: 'password.strength', value: '"medium"', now: NOW + 1 });
    await store.policies.set({ scope: domainScope('example.test'), key: 'password.strength', value: '"very_strong"', now: NOW });
    expect((await store.policies.get(GLOBAL_SCOPE, 'password.strength'))?.value).toBe('"medium"');
    expect((await store.policies.list()).length).toBe(2);
    expect((await store.policies.list(domainScope('example.test'))).map((p) => p.value)).toEqual(['"very_strong"']);
    await store.domains.remove('example.test');
    expect(await store.policies.list(domainScope('example.test'))).toEqual([]);
    expect(await store.policies.remove(GLOBAL_SCOPE, 'password.strength')).toBe(true);
    expect(await store.policies.remove(GLOBAL_SCOPE, 'password.strength')).toBe(false);
  });

  it('rolls a failed transaction back completely', async () => {
    await expect(
      store.transaction(async (tx) => {
        const d = await tx.domains.create({ name: 'half.test', now: NOW });
        await tx.policies.set({ scope: domainScope('half.test'), key: 'k', value: '1', now: NOW });
        await addAccount({ ...store, ...tx } as Store, 'x@half.test', d.id);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.domains.list()).toEqual([]);
    expect(await store.policies.list()).toEqual([]);
    expect(await store.accounts.count()).toBe(0);
  });

  it('stores blobs by content, streams ranges and deletes', async () => {
    const body = Buffer.from('Subject: hi\r\n\r\n' + 'x'.repeat(300_000));
    const id = createHash('sha256').update(body).digest('hex');
    const ref = await store.blobs.put(body);
    expect(ref).toEqual({ id, size: body.length });
    // The same bytes again, given as a stream of chunks: same id, no error.
    async function* chunks(): AsyncIterable<Uint8Array> {
      yield body.subarray(0, 10);
      yield body.subarray(10);
    }
    expect(await store.blobs.put(chunks())).toEqual(ref);
    expect((await store.blobs.get(id)).equals(body)).toBe(true);
    expect((await collect(await store.blobs.stream(id))).equals(body)).toBe(true);
    expect((await collect(await store.blobs.stream(id, { start: 9, end: 270_000 }))).equals(body.subarray(9, 270_000))).toBe(true);
    expect((await collect(await store.blobs.stream(id, { start: 5, end: 5 }))).length).toBe(0);
    expect(await store.blobs.has(id)).toBe(true);
    expect(await store.blobs.delete(id)).toBe(true);
    expect(await store.blobs.delete(id)).toBe(false);
    await expectCode(store.blobs.get(id), 'NOT_FOUND');
    await expectCode(store.blobs.stream(id), 'NOT_FOUND');
    await expectCode(store.blobs.get('../../etc/passwd'), 'INVALID_INPUT');
  });

  it('never gives a mailbox name created again its old UIDVALIDITY, even within the same second (RFC 3501 §2.3.1.1)', async () => {
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const accountId = await addAccount(store, 'validity@example.test', domain.id);
    const first = await store.mail.createMailbox({ accountId, name: 'Lists', specialUse: null, now: NOW });
    expect(first.uid_validity).toBe(Math.floor(NOW / 1000));
    await store.mail.deleteMailbox(first.id);
    const again = await store.mail.createMailbox({ accountId, name: 'Lists', specialUse: null, now: NOW });
    expect(again.uid_validity).toBeGreaterThan(first.uid_validity);
    await store.mail.deleteMailbox(again.id);
    // The clock going back changes nothing either.
    expect((await store.mail.createMailbox({ accountId, name: 'Lists', specialUse: null, now: NOW - 60_000 })).uid_validity).toBeGreaterThan(again.uid_validity);
  });

  it('reads message metadata by UID runs and scattered UIDs, without the search text', async () => {
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const accountId = await addAccount(store, 'meta@example.test', domain.id);
    const mailbox = await store.mail.createMailbox({ accountId, name: 'INBOX', specialUse: null, now: NOW });
    for (let i = 1; i <= 1200; i++) {
      await store.transaction((tx) =>
        tx.mail.appendMessage(mailbox.id, { blob_id: `b${i}`, size: i, internal_date: NOW + i, sent_date: null, subject: `s${i}`, search_text: 'x'.repeat(100) }, NOW),
      );
    }
    const run = await store.mail.findMessageMetaByUids(mailbox.id, Array.from({ length: 1200 }, (_, i) => 1200 - i));
    expect(run.map((r) => r.uid)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(run[99]).toMatchObject({ uid: 100, size: 100, subject: 's100', blob_id: 'b100' });
    expect(run[0]).not.toHaveProperty('search_text');
    const scattered = await store.mail.findMessageMetaByUids(mailbox.id, [7, 3, 1199, 5000, 600]);
    expect(scattered.map((r) => r.uid)).toEqual([3, 7, 600, 1199]);
    expect(await store.mail.findMessageMetaByUids(mailbox.id, [])).toEqual([]);
    // What SELECT reads instead of every row.
    expect(await store.mail.listUids(mailbox.id)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(await store.mail.firstUnseenUid(mailbox.id)).toBe(1);
    expect(await store.mail.keywordSets(mailbox.id, 10)).toEqual([]);
    const before = (await store.mail.findMailboxById(mailbox.id))!.highest_modseq;
    await store.transaction(async (tx) => {
      const modseq = await tx.mail.nextModseq(mailbox.id);
      const changes = [1, 2, 900].map((uid) => ({ uid, flags: { seen: 1, answered: 0, flagged: 0, deleted: 0, draft: 0, keywords: uid === 900 ? '$Work $Later' : '' } }));
      await tx.mail.setFlagsOfMessages(mailbox.id, changes, modseq, NOW);
    });
    expect(await store.mail.firstUnseenUid(mailbox.id)).toBe(3);
    expect(await store.mail.keywordSets(mailbox.id, 10)).toEqual(['$Work $Later']);
    expect((await store.mail.listFlagsChangedSince(mailbox.id, Number(before))).map((r) => [r.uid, r.seen])).toEqual([
      [1, 1],
      [2, 1],
      [900, 1],
    ]);
    expect(await store.mail.listUids(mailbox.id + 1000)).toEqual([]);
    expect(await store.mail.firstUnseenUid(mailbox.id + 1000)).toBeNull();
  });

  it('stores an empty blob', async () => {
    const ref = await store.blobs.put(Buffer.alloc(0));
    expect(ref.size).toBe(0);
    expect((await store.blobs.get(ref.id)).length).toBe(0);
  });
});
