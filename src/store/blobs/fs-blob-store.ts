// Blob store on the local file system: <root>/ab/cd/<sha256>, fsynced with its directory entry before put resolves.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MailwardError } from '../../errors/index.js';
import type { BlobInput, BlobRef, BlobStore } from './blob-store.js';
import { isBlobId, toChunks } from './blob-store.js';

/** fsync a directory so a rename or a new entry in it survives a crash (POSIX needs this separately). */
function fsyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(dir, 'r', (openError, fd) => {
      if (openError) return reject(openError);
      fs.fsync(fd, (syncError) => {
        fs.close(fd, (closeError) => {
          const error = syncError ?? closeError;
          if (error) reject(error);
          else resolve();
        });
      });
    });
  });
}

/**
 * Creates `file` (O_EXCL) and writes, fsyncs and closes it with callback-style calls: a put is
 * about a third of SMTP's event-loop time per small message, and FileHandle's promise machinery
 * costs more than the calls. False when the file already exists. On a failed write the partial
 * file is removed, unless someone already replaced it.
 */
function writeNew(file: string, data: Uint8Array): Promise<boolean> {
  return new Promise((resolve, reject) => {
    fs.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600, (openError, fd) => {
      if (openError) {
        if (openError.code === 'EEXIST') resolve(false);
        else reject(openError);
        return;
      }
      const fail = (error: Error): void => {
        fs.fstat(fd, (_e, mine) => {
          fs.close(fd, () => {
            fs.stat(file, (_e2, now) => {
              if (mine && now && mine.ino === now.ino && mine.dev === now.dev) fs.unlink(file, () => reject(error));
              else reject(error);
            });
          });
        });
      };
      const writeFrom = (offset: number): void => {
        fs.write(fd, data, offset, data.byteLength - offset, null, (writeError, written) => {
          if (writeError) return fail(writeError);
          if (offset + written < data.byteLength) return writeFrom(offset + written);
          fs.fsync(fd, (syncError) => {
            if (syncError) return fail(syncError);
            fs.close(fd, (closeError) => (closeError ? reject(closeError) : resolve(true)));
          });
        });
      };
      writeFrom(0);
    });
  });
}

function writeFailed(error: unknown): MailwardError {
  if (error instanceof MailwardError && error.code === 'STORAGE_UNAVAILABLE') return error;
  return new MailwardError('STORAGE_UNAVAILABLE', { message: `blobs: write failed: ${(error as Error).message}`, cause: error });
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
  /** Fan-out directories known to exist durably (by path), or being made so; at most 65,536 (the layout's). */
  readonly #dirs = new Map<string, Promise<void>>();

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

  /**
   * Makes sure the fan-out directory of `file` exists and that its entry is durable; done once per
   * directory and process (concurrent callers share the work), not on every put.
   */
  #directoryOf(file: string): Promise<void> {
    const dir = path.dirname(file);
    let ready = this.#dirs.get(dir);
    if (!ready) {
      ready = (async () => {
        const parent = path.dirname(dir);
        // mkdir -p answers with the first directory it created, if any: only new entries need fsyncs.
        const created = await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
        if (created === undefined) return;
        if (created === parent) await fsyncDir(this.#root);
        await fsyncDir(parent);
      })();
      this.#dirs.set(dir, ready);
      ready.catch(() => this.#dirs.delete(dir));
    }
    return ready;
  }

  async put(data: BlobInput): Promise<BlobRef> {
    if (!(data instanceof Uint8Array)) return this.#putStream(data);
    const id = createHash('sha256').update(data).digest('hex');
    const finalPath = this.#pathOf(id);
    try {
      await this.#directoryOf(finalPath);
      // Written in place: the name is only ever created with O_EXCL here, so a file under it
      // that is not complete can only be a write that crashed (never acknowledged, referenced by
      // no message) or one still in flight; either way the same bytes are then written anew
      // beside it and renamed over it, which readers see atomically.
      if (!(await writeNew(finalPath, data))) return await this.#replace(id, finalPath, data);
      await fsyncDir(path.dirname(finalPath));
    } catch (error) {
      this.#dirs.delete(path.dirname(finalPath));
      throw writeFailed(error);
    }
    return { id, size: data.byteLength };
  }

  /** A stream: hashed while it is written to a temp file, which is then renamed into place. */
  async #putStream(data: AsyncIterable<Uint8Array>): Promise<BlobRef> {
    const written = await this.#writeTemp(data);
    try {
      await this.#moveIntoPlace(written.tmpPath, this.#pathOf(written.id));
    } catch (error) {
      throw writeFailed(error);
    }
    return { id: written.id, size: written.size };
  }

  /** Bytes whose name exists already: written beside it and renamed over it. */
  async #replace(id: string, finalPath: string, data: Uint8Array): Promise<BlobRef> {
    const written = await this.#writeTemp(toChunks(data));
    await this.#moveIntoPlace(written.tmpPath, finalPath);
    return { id, size: written.size };
  }

  /** Writes, hashes and fsyncs the bytes into a new file under tmp/; removes it on failure. */
  async #writeTemp(data: AsyncIterable<Uint8Array>): Promise<{ tmpPath: string; id: string; size: number }> {
    const tmpPath = path.join(this.#tmp, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await fsp.open(tmpPath, 'wx', 0o600).catch((error: unknown) => {
      throw writeFailed(error);
    });
    try {
      for await (const chunk of data) {
        hash.update(chunk);
        size += chunk.byteLength;
        await handle.write(chunk);
      }
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp.rm(tmpPath, { force: true });
      throw writeFailed(error);
    }
    await handle.close();
    return { tmpPath, id: hash.digest('hex'), size };
  }

  /** Renames a complete, fsynced temp file to its name (replacing what is there) and makes the entry durable. */
  async #moveIntoPlace(tmpPath: string, finalPath: string): Promise<void> {
    try {
      await this.#directoryOf(finalPath);
      await fsp.rename(tmpPath, finalPath);
      await fsyncDir(path.dirname(finalPath));
    } catch (error) {
      await fsp.rm(tmpPath, { force: true });
      this.#dirs.delete(path.dirname(finalPath));
      throw error;
    }
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
