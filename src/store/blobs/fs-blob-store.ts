// Blob store on the local file system: <root>/ab/cd/<sha256>, written atomically and fsynced.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MailwardError } from '../../errors/index.js';
import type { BlobInput, BlobRef, BlobStore } from './blob-store.js';
import { isBlobId, toChunks } from './blob-store.js';

/** fsync a directory so a rename or a new entry in it survives a crash (POSIX needs this separately). */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const STALE_TEMP_MS = 3600_000;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #tmp: string;

  private constructor(root: string) {
    this.#root = root;
    this.#tmp = path.join(root, 'tmp');
  }

  static async open(root: string): Promise<FsBlobStore> {
    try {
      await fsp.mkdir(path.join(root, 'tmp'), { recursive: true, mode: 0o700 });
      await fsp.access(root, fs.constants.W_OK);
    } catch (error) {
      throw new MailwardError('STORAGE_UNAVAILABLE', { message: `blobs: cannot use ${root}: ${(error as Error).message}`, cause: error });
    }
    const store = new FsBlobStore(root);
    await store.#removeStaleTemps();
    return store;
  }

  /**
   * Temp files left by a crash mid-write were never acknowledged: remove them. Only those of dead
   * processes (or older than an hour): the CLI opens the store beside a running server, whose
   * writes in flight must not lose their temp files.
   */
  async #removeStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await fsp.readdir(this.#tmp)) {
      const file = path.join(this.#tmp, name);
      const pid = Number(name.split('-')[0]);
      let stale = !Number.isInteger(pid) || pid <= 0 || !processAlive(pid);
      if (!stale) {
        const stat = await fsp.stat(file).catch(() => undefined);
        stale = stat !== undefined && now - stat.mtimeMs > STALE_TEMP_MS;
      }
      if (stale) await fsp.rm(file, { force: true });
    }
  }

  #pathOf(id: string): string {
    if (!isBlobId(id)) throw new MailwardError('INVALID_INPUT', { message: 'blobs: malformed blob id' });
    return path.join(this.#root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async put(data: BlobInput): Promise<BlobRef> {
    const tmpPath = path.join(this.#tmp, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await fsp.open(tmpPath, 'wx', 0o600);
    try {
      for await (const chunk of toChunks(data)) {
        hash.update(chunk);
        size += chunk.byteLength;
        await handle.write(chunk);
      }
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp.rm(tmpPath, { force: true });
      throw new MailwardError('STORAGE_UNAVAILABLE', { message: `blobs: write failed: ${(error as Error).message}`, cause: error });
    }
    await handle.close();
    const id = hash.digest('hex');
    const finalPath = this.#pathOf(id);
    try {
      if (fs.existsSync(finalPath)) {
        await fsp.rm(tmpPath, { force: true });
        return { id, size };
      }
      const dir = path.dirname(finalPath);
      const parent = path.dirname(dir);
      const parentExisted = fs.existsSync(parent);
      const dirExisted = parentExisted && fs.existsSync(dir);
      await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
      await fsp.rename(tmpPath, finalPath);
      await fsyncDir(dir);
      if (!dirExisted) await fsyncDir(parent);
      if (!parentExisted) await fsyncDir(this.#root);
    } catch (error) {
      await fsp.rm(tmpPath, { force: true });
      throw new MailwardError('STORAGE_UNAVAILABLE', { message: `blobs: write failed: ${(error as Error).message}`, cause: error });
    }
    return { id, size };
  }

  async get(id: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.#pathOf(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
      throw error;
    }
  }

  async stream(id: string, range: { start?: number; end?: number } = {}): Promise<Readable> {
    const file = this.#pathOf(id);
    // Open first so a missing blob is a clean NOT_FOUND rather than a stream error later.
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MailwardError('NOT_FOUND', { message: `blob ${id} not found` });
      throw error;
    }
    const start = range.start ?? 0;
    if (range.end !== undefined && range.end <= start) {
      await handle.close();
      return Readable.from([]);
    }
    return handle.createReadStream({ start, ...(range.end !== undefined ? { end: range.end - 1 } : {}), autoClose: true });
  }

  async has(id: string): Promise<boolean> {
    return fs.existsSync(this.#pathOf(id));
  }

  async delete(id: string): Promise<boolean> {
    try {
      await fsp.unlink(this.#pathOf(id));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
