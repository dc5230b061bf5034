// A read-only SQLite connection on a worker thread for the bulk reads of the mail doors (FETCH rows, UIDs, body rows), so they run on the second core beside the event loop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MailwardError } from '../../../errors/index.js';

/**
 * The worker's code, evaluated as a CommonJS script: a file next to this one would not exist when
 * the sources run untranspiled (the test runner), a string does everywhere. Under WAL a read-only
 * connection reads the last committed state and never blocks the writer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 5000 });
const statements = new Map();
function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql).raw(true);
    statements.set(sql, statement);
  }
  return statement;
}
const handlers = {
  messages: ([mailboxId, columns, where]) => {
    // Column names come from the repositories' own lists, never from a client; checked all the same.
    if (!columns.every((c) => /^[a-z_]+$/.test(c))) throw new Error('invalid column name');
    const select = 'select ' + columns.join(', ') + ' from messages where mailbox_id = ? and ';
    return where.range
      ? prepare(select + 'uid >= ? and uid <= ? order by uid').all(mailboxId, where.range[0], where.range[1])
      : prepare(select + 'uid in (' + where.list.map(() => '?').join(',') + ') order by uid').all(mailboxId, ...where.list);
  },
  uids: ([mailboxId]) => prepare('select uid from messages where mailbox_id = ? order by uid').pluck(true).all(mailboxId),
  blobs: ([ids]) => {
    const rows = prepare('select id, data from blobs where id in (' + ids.map(() => '?').join(',') + ')').all(...ids);
    // One buffer for all bodies, moved (not copied) to the caller.
    let total = 0;
    for (const row of rows) total += row[1].length;
    const data = Buffer.allocUnsafeSlow(total);
    const offsets = new Float64Array(rows.length + 1);
    let at = 0;
    rows.forEach((row, i) => {
      offsets[i] = at;
      row[1].copy(data, at);
      at += row[1].length;
    });
    offsets[rows.length] = at;
    return { value: { ids: rows.map((row) => row[0]), data, offsets }, transfer: [data.buffer, offsets.buffer] };
  },
};
parentPort.on('message', ({ id, kind, args }) => {
  try {
    const result = handlers[kind](args);
    if (result && result.transfer) parentPort.postMessage({ id, value: result.value }, result.transfer);
    else parentPort.postMessage({ id, value: result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

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
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    worker.on('message', (message: { id: number; value?: unknown; error?: string }) => {
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

  #request<T>(kind: string, args: unknown[]): Promise<T> {
    if (this.#failed) return Promise.reject(new MailwardError('STORAGE_UNAVAILABLE', { message: `database reader: ${this.#failed.message}` }));
    const id = this.#next++;
    this.#worker ??= this.#start();
    const worker = this.#worker;
    if (this.#pending.size === 0) worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, kind, args });
    });
  }

  /**
   * The given columns of a mailbox's messages in a UID range or list, in UID order, as objects
   * (rows travel as arrays, which cost the event loop less to receive).
   */
  async messages<C extends string>(mailboxId: number, columns: readonly C[], where: { range: [number, number] } | { list: number[] }): Promise<Array<Record<C, unknown>>> {
    const tuples = await this.#request<unknown[][]>('messages', [mailboxId, columns, where]);
    return tuples.map((tuple) => {
      const row = {} as Record<C, unknown>;
      for (let i = 0; i < columns.length; i++) row[columns[i]!] = tuple[i];
      return row;
    });
  }

  uids(mailboxId: number): Promise<number[]> {
    return this.#request<number[]>('uids', [mailboxId]);
  }

  async blobs(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (ids.length === 0) return out;
    const result = await this.#request<{ ids: string[]; data: Uint8Array; offsets: Float64Array }>('blobs', [ids]);
    const data = Buffer.from(result.data.buffer, result.data.byteOffset, result.data.byteLength);
    result.ids.forEach((id, i) => out.set(id, data.subarray(result.offsets[i]!, result.offsets[i + 1]!)));
    return out;
  }

  async close(): Promise<void> {
    this.#failed ??= new Error('closed');
    await this.#worker?.terminate();
  }
}
