import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertAccount } from '../../../../test/support/account-rows.js';
import { testStore, useFixture } from '../../../../test/support/every-dialect.js';
import { SqliteReader } from './sqlite-reader.js';

const NOW = 1_700_000_000_000;

describe('SqliteReader', () => {
  const t = useFixture(testStore, 'sqlite');

  it('reads what the writer committed, on its own connection, and fails cleanly once closed', async () => {
    const { store } = t;
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const account = await insertAccount(store, 'r@example.test', { domainId: domain.id, now: NOW, displayName: 'R' });
    const mailbox = await store.mail.createMailbox({ accountId: account.id, name: 'INBOX', specialUse: null, now: NOW });
    const body = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    const id = 'a'.repeat(64);
    await store.transaction(async (tx) => {
      await tx.blobRows.insert({ id, data: body, now: NOW });
      await tx.mail.appendMessage(mailbox.id, { blob_id: id, size: body.length, internal_date: NOW, sent_date: null, keywords: '$Work' }, NOW);
    });
    const reader = SqliteReader.open(path.join(t.dir, 'mailward.db'));
    expect(await reader.uids(mailbox.id)).toEqual([1]);
    const columns = ['uid', 'modseq', 'blob_id', 'size', 'internal_date', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'] as const;
    expect(await reader.messages(mailbox.id, columns, { range: [1, 5] })).toEqual([
      { uid: 1, modseq: expect.any(Number), blob_id: id, size: body.length, internal_date: NOW, seen: 0, answered: 0, flagged: 0, deleted: 0, draft: 0, keywords: '$Work' },
    ]);
    expect((await reader.messages(mailbox.id, ['uid'], { list: [1, 7] })).map((r) => r.uid)).toEqual([1]);
    // Column names are never taken from outside, and the worker refuses anything but plain names.
    await expect(reader.messages(mailbox.id, ['uid; drop table messages'], { list: [1] })).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const blobs = await reader.blobs([id, 'b'.repeat(64)]);
    expect([...blobs.keys()]).toEqual([id]);
    expect(blobs.get(id)!.equals(body)).toBe(true);
    // A later commit is seen at once (WAL: each read sees the last committed state).
    await store.transaction((tx) => tx.mail.appendMessage(mailbox.id, { blob_id: id, size: body.length, internal_date: NOW, sent_date: null }, NOW));
    expect(await reader.uids(mailbox.id)).toEqual([1, 2]);
    await reader.close();
    await expect(reader.uids(mailbox.id)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('answers a failing read with STORAGE_UNAVAILABLE and keeps serving', async () => {
    const reader = SqliteReader.open(path.join(t.dir, 'mailward.db'));
    // Too many host parameters for one statement: the worker's error comes back, the worker lives on.
    await expect(reader.blobs(Array.from({ length: 40_000 }, (_, i) => String(i).padStart(64, '0')))).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(await reader.uids(1)).toEqual([]);
    await reader.close();
  });
});
