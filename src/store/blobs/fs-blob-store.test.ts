// The file blob store's crash clean-up spares writes in flight by other processes on the same data.
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
});
