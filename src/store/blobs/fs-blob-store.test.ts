// The file blob store's crash clean-up spares writes in flight by other processes on the same data.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/dialects.js';
import { FsBlobStore } from './fs-blob-store.js';

describe('FsBlobStore.open', () => {
  it('removes temp files of dead processes and keeps those of live ones', async () => {
    const root = tempDir('mailward-blobs-');
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    const live = path.join(root, 'tmp', `${process.ppid}-aaaa`);
    const dead = path.join(root, 'tmp', `${2 ** 22 + 7}-bbbb`);
    const junk = path.join(root, 'tmp', 'not-a-pid');
    for (const file of [live, dead, junk]) fs.writeFileSync(file, 'partial');
    await FsBlobStore.open(root);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(junk)).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes content-addressed files under two levels of directories', async () => {
    const root = tempDir('mailward-blobs-');
    const store = await FsBlobStore.open(root);
    const ref = await store.put(Buffer.from('hello'));
    expect(fs.readFileSync(path.join(root, ref.id.slice(0, 2), ref.id.slice(2, 4), ref.id), 'utf8')).toBe('hello');
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('replaces a torn file left under the final name by a crashed write, and stores the same bytes twice as one file', async () => {
    const root = tempDir('mailward-blobs-');
    const store = await FsBlobStore.open(root);
    const bytes = Buffer.from('the whole message\r\n');
    const id = createHash('sha256').update(bytes).digest('hex');
    const file = path.join(root, id.slice(0, 2), id.slice(2, 4), id);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'the wh');
    expect(await store.put(bytes)).toEqual({ id, size: bytes.length });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect([a, b]).toEqual([{ id, size: bytes.length }, { id, size: bytes.length }]);
    expect((await store.get(id)).equals(bytes)).toBe(true);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('stores a stream under the hash of its bytes', async () => {
    const root = tempDir('mailward-blobs-');
    const store = await FsBlobStore.open(root);
    async function* parts(): AsyncIterable<Uint8Array> {
      yield Buffer.from('part one, ');
      yield Buffer.from('part two');
    }
    const ref = await store.put(parts());
    expect(ref).toEqual({ id: createHash('sha256').update('part one, part two').digest('hex'), size: 18 });
    expect((await store.get(ref.id)).toString()).toBe('part one, part two');
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('fails with STORAGE_UNAVAILABLE when the fan-out directory cannot be made, and recovers once it can', async () => {
    const root = tempDir('mailward-blobs-');
    const store = await FsBlobStore.open(root);
    const bytes = Buffer.from('blocked');
    const id = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(path.join(root, id.slice(0, 2)), '');
    await expect(store.put(bytes)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    fs.rmSync(path.join(root, id.slice(0, 2)));
    expect(await store.put(bytes)).toEqual({ id, size: bytes.length });
    fs.rmSync(root, { recursive: true, force: true });
  });
});
