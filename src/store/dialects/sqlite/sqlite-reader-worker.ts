// The read-only SQLite connection's thread: runs the bulk reads the SqliteReader sends it and answers with rows (as arrays) or one buffer of bodies.
// Kept to syntax that Node can strip of its types, so the test runner can start it from the source as it is.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';

/** Which rows of a mailbox: a UID range (FETCH 1:*), or a list of UIDs. */
export type UidWhere = { range: [number, number] } | { list: number[] };

/** What the reader asks: one kind of read and its arguments. */
export type ReaderRequest =
  | { id: number; kind: 'messages'; args: [mailboxId: number, columns: string[], where: UidWhere] }
  | { id: number; kind: 'fetchRows'; args: [mailboxId: number, columns: string[], renderings: string[], where: UidWhere] }
  | { id: number; kind: 'uids'; args: [mailboxId: number] }
  | { id: number; kind: 'blobs'; args: [ids: string[]] };

/** Bodies travel as one buffer and the offsets of each in it, moved (not copied) to the caller. */
export interface BlobBatch {
  ids: string[];
  data: Uint8Array;
  offsets: Float64Array;
}

export type ReaderReply = { id: number; value: unknown; error?: undefined } | { id: number; error: string };

export interface ReaderWorkerData {
  file: string;
}

/** Column names come from the repositories' own lists, never from a client; checked all the same. */
const COLUMN = /^[a-z_]+$/;

function serve(file: string): void {
  // Under WAL a read-only connection reads the last committed state and never blocks the writer.
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql).raw(true);
      statements.set(sql, statement);
    }
    return statement;
  };

  const messages = (mailboxId: number, columns: string[], where: UidWhere): unknown[] => {
    if (!columns.every((c) => COLUMN.test(c))) throw new Error('invalid column name');
    const select = `select ${columns.join(', ')} from messages where mailbox_id = ? and `;
    return 'range' in where
      ? prepare(`${select}uid >= ? and uid <= ? order by uid`).all(mailboxId, where.range[0], where.range[1])
      : prepare(`${select}uid in (${where.list.map(() => '?').join(',')}) order by uid`).all(mailboxId, ...where.list);
  };

  /** Message columns and each message's renderings (migration 0017), NULL where there are none yet. */
  const fetchRows = (mailboxId: number, columns: string[], renderings: string[], where: UidWhere): unknown[] => {
    if (![...columns, ...renderings].every((c) => COLUMN.test(c))) throw new Error('invalid column name');
    const names = [...columns.map((c) => `m.${c}`), ...renderings.map((c) => `r.${c}`)].join(', ');
    const select = `select ${names} from messages m left join message_renderings r on r.mailbox_id = m.mailbox_id and r.uid = m.uid where m.mailbox_id = ? and `;
    return 'range' in where
      ? prepare(`${select}m.uid >= ? and m.uid <= ? order by m.uid`).all(mailboxId, where.range[0], where.range[1])
      : prepare(`${select}m.uid in (${where.list.map(() => '?').join(',')}) order by m.uid`).all(mailboxId, ...where.list);
  };

  const uids = (mailboxId: number): unknown[] => prepare('select uid from messages where mailbox_id = ? order by uid').pluck(true).all(mailboxId);

  const blobs = (ids: string[]): BlobBatch => {
    const rows = prepare(`select id, data from blobs where id in (${ids.map(() => '?').join(',')})`).all(...ids) as Array<[string, Buffer]>;
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
    return { ids: rows.map((row) => row[0]), data, offsets };
  };

  parentPort?.on('message', (request: ReaderRequest) => {
    try {
      if (request.kind === 'blobs') {
        const batch = blobs(request.args[0]);
        parentPort?.postMessage({ id: request.id, value: batch } satisfies ReaderReply, [batch.data.buffer as ArrayBuffer, batch.offsets.buffer as ArrayBuffer]);
      } else {
        const value = request.kind === 'messages' ? messages(...request.args) : request.kind === 'fetchRows' ? fetchRows(...request.args) : uids(...request.args);
        parentPort?.postMessage({ id: request.id, value } satisfies ReaderReply);
      }
    } catch (error) {
      parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ReaderReply);
    }
  });
}

if (parentPort) serve((workerData as ReaderWorkerData).file);
