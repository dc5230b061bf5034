// The embedded store's blobs: small bodies as rows, large ones as files, one interface for both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testStore, useFixture } from '../../../test/support/every-dialect.js';
import { INLINE_BLOB_BYTES } from './tiered-blob-store.js';

async function read(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('latin1');
}

describe('TieredBlobStore (SQLite with files)', () => {
  const t = useFixture(testStore, 'sqlite');

  const fileOf = (id: string): string => path.join(t.dir, 'blobs', id.slice(0, 2), id.slice(2, 4), id);

  it('keeps a small body as a row and a large one as a file, and reads both the same way', async () => {
    const { blobs } = t.store;
    expect(blobs.inlineLimit).toBe(INLINE_BLOB_BYTES);
    const small = Buffer.from('Subject: small\r\n\r\nhello\r\n');
    const large = Buffer.alloc(INLINE_BLOB_BYTES + 1, 'x');
    const a = await blobs.put(small);
    const b = await blobs.put(large);
    expect(fs.existsSync(fileOf(a.id))).toBe(false);
    expect(fs.existsSync(fileOf(b.id))).toBe(true);
    expect((await blobs.get(a.id)).equals(small)).toBe(true);
    expect((await blobs.get(b.id)).equals(large)).toBe(true);
    expect(await read(await blobs.stream(a.id, { start: 9, end: 14 }))).toBe('small');
    expect(await read(await blobs.stream(a.id, { start: 9, end: 9 }))).toBe('');
    expect(await read(await blobs.stream(b.id, { start: 10, end: 13 }))).toBe('xxx');
    expect(await blobs.has(a.id)).toBe(true);
    expect(await blobs.has(b.id)).toBe(true);
    // Many at once: rows and files alike, absent ids left out.
    const missing = 'f'.repeat(64);
    const many = await blobs.getMany!([a.id, b.id, missing, a.id]);
    expect([...many.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(many.get(a.id)!.equals(small)).toBe(true);
    expect(many.get(b.id)!.equals(large)).toBe(true);
  });

  it('deletes a row inside the caller\'s transaction (one SQLite connection: no waiting on itself)', async () => {
    const { store } = t;
    const ref = await store.blobs.put(Buffer.from('to delete'));
    expect(await store.transaction((tx) => store.blobs.delete(ref.id, { tx }))).toBe(true);
    expect(await store.blobs.has(ref.id)).toBe(false);
    await expect(store.blobs.get(ref.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.blobs.delete(ref.id)).toBe(false);
  });

  it('a row written in a transaction that rolls back leaves no body', async () => {
    const { store } = t;
    const id = 'a'.repeat(64);
    await expect(
      store.transaction(async (tx) => {
        await tx.blobRows.insert({ id, data: Buffer.from('never'), now: 1 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.blobs.has(id)).toBe(false);
  });
});
