// A read-only SQLite connection on a worker thread for the bulk reads of the mail doors (FETCH rows, UIDs, body rows), so they run on the second core beside the event loop.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MailwardError } from '../../../errors/index.js';
import type { BlobBatch, ReaderReply, ReaderRequest, ReaderWorkerData, UidWhere } from './sqlite-reader-worker.js';

/**
 * The worker's module: the compiled .js beside this file, or under the test runner (which runs the
 * sources as they are) the .ts itself, whose types Node strips.
 */
function workerURL(): URL {
  const compiled = new URL('./sqlite-reader-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(compiled)) ? compiled : new URL('./sqlite-reader-worker.ts', import.meta.url);
}

/** Omit over each member of a union, keeping it a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class SqliteReader {
  /** Started on the first read: a CLI command that never reads mail never starts a thread. */
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #failed: Error | undefined;

  private constructor(private readonly file: string) {}

  #start(): Worker {
    const worker = new Worker(workerURL(), { workerData: { file: this.file } satisfies ReaderWorkerData });
    worker.on('message', (message: ReaderReply) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      // Idle, the worker must not keep the process alive; a pending read holds it (see #request).
      if (this.#pending.size === 0) worker.unref();
      if (message.error !== undefined) pending.reject(new MailwardError('STORAGE_UNAVAILABLE', { message: `database reader: ${message.error}` }));
      else pending.resolve(message.value);
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`database reader exited with ${code}`)));
    return worker;
  }

  static open(file: string): SqliteReader {
    return new SqliteReader(file);
  }

  #fail(error: Error): void {
    this.#failed ??= error;
    for (const pending of this.#pending.values()) pending.reject(new MailwardError('STORAGE_UNAVAILABLE', { message: `database reader: ${error.message}`, cause: error }));
    this.#pending.clear();
  }

  #request<T>(request: DistributiveOmit<ReaderRequest, 'id'>): Promise<T> {
    if (this.#failed) return Promise.reject(new MailwardError('STORAGE_UNAVAILABLE', { message: `database reader: ${this.#failed.message}` }));
    const id = this.#next++;
    this.#worker ??= this.#start();
    const worker = this.#worker;
    if (this.#pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id } as ReaderRequest);
    });
  }

  /**
   * The given columns of a mailbox's messages in a UID range or list, in UID order, as objects
   * (rows travel as arrays, which cost the event loop less to receive).
   */
  async messages<C extends string>(mailboxId: number, columns: readonly C[], where: UidWhere): Promise<Array<Record<C, unknown>>> {
    const tuples = await this.#request<unknown[][]>({ kind: 'messages', args: [mailboxId, [...columns], where] });
    return tuples.map((tuple) => {
      const row = {} as Record<C, unknown>;
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = tuple[i];
      return row;
    });
  }

  /** Like messages(), with the `renderings` columns of each message joined after `columns` (null when it has none). */
  async fetchRows<C extends string, R extends string>(mailboxId: number, columns: readonly C[], renderings: readonly R[], where: UidWhere): Promise<Array<Record<C | R, unknown>>> {
    const tuples = await this.#request<unknown[][]>({ kind: 'fetchRows', args: [mailboxId, [...columns], [...renderings], where] });
    const names: Array<C | R> = [...columns, ...renderings];
    return tuples.map((tuple) => {
      const row = {} as Record<C | R, unknown>;
      for (let i = 0; i < names.length; i++) row[names[i]!] = tuple[i];
      return row;
    });
  }

  uids(mailboxId: number): Promise<number[]> {
    return this.#request<number[]>({ kind: 'uids', args: [mailboxId] });
  }

  async blobs(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (ids.length === 0) return out;
    const result = await this.#request<BlobBatch>({ kind: 'blobs', args: [[...ids]] });
    const data = Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength);
    result.ids.forEach((id, i) => out.set(id, data.subarray(result.offsets[i]!, result.offsets[i + 1]!)));
    return out;
  }

  async close(): Promise<void> {
    this.#failed ??= new Error('closed');
    await this.#worker?.terminate();
  }
}
