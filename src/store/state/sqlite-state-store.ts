// StateStore in a SQLite file beside the database, shared by `serve` and the CLI on one machine.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MailwardError } from '../../errors/index.js';
import type { StateEntry, StateStore, StateUpdate } from '../../shared-state/index.js';
import { preparePrivateDatabaseFile } from '../private-database-file.js';

/**
 * A separate file with synchronous=OFF: counters are written on every failed login, and losing the
 * last few after a power cut is harmless, while an fsync per failure would slow every door.
 */
export class SqliteStateStore implements StateStore {
  readonly #db: BetterSqlite3.Database;
  readonly #select: BetterSqlite3.Statement<[string, number], { value: string }>;
  readonly #upsert: BetterSqlite3.Statement<[string, string, number]>;
  readonly #delete: BetterSqlite3.Statement<[string]>;
  readonly #scan: BetterSqlite3.Statement<[string, string, number], { key: string; value: string; expires_at: number }>;
  readonly #purge: BetterSqlite3.Statement<[number]>;
  #writes = 0;

  constructor(file: string) {
    try {
      if (file !== ':memory:') {
        fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        preparePrivateDatabaseFile(file);
      }
      this.#db = new BetterSqlite3(file, { timeout: 5000 });
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = OFF');
      this.#db.exec(
        'CREATE TABLE IF NOT EXISTS shared_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;' +
          'CREATE INDEX IF NOT EXISTS shared_state_expires ON shared_state (expires_at);',
      );
    } catch (error) {
      throw new MailwardError('STORAGE_UNAVAILABLE', { message: `state: cannot open ${file}: ${(error as Error).message}`, cause: error });
    }
    this.#select = this.#db.prepare('SELECT value FROM shared_state WHERE key = ? AND expires_at > ?');
    this.#upsert = this.#db.prepare(
      'INSERT INTO shared_state (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    );
    this.#delete = this.#db.prepare('DELETE FROM shared_state WHERE key = ?');
    // Range scan on the primary key: prefix <= key < prefix + U+10FFFF. SQLite compares UTF-8 bytes,
    // so the bound must be the highest code point: with U+FFFF, keys with astral characters (emoji)
    // right after the prefix were missed.
    this.#scan = this.#db.prepare('SELECT key, value, expires_at FROM shared_state WHERE key >= ? AND key < ? AND expires_at > ? ORDER BY key');
    this.#purge = this.#db.prepare('DELETE FROM shared_state WHERE expires_at <= ?');
  }

  async get<T>(key: string, now: number): Promise<T | undefined> {
    const row = this.#select.get(key, now);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async update<T>(key: string, now: number, change: (current: T | undefined) => StateUpdate<T>): Promise<T | undefined> {
    // IMMEDIATE: the write lock is taken before the read, so another process cannot interleave.
    const run = this.#db.transaction((): T | undefined => {
      const row = this.#select.get(key, now);
      const next = change(row ? (JSON.parse(row.value) as T) : undefined);
      if (next === undefined) {
        this.#delete.run(key);
        return undefined;
      }
      this.#upsert.run(key, JSON.stringify(next.value), now + next.ttlMs);
      return next.value;
    });
    const result = run.immediate();
    // Expired rows are swept now and then rather than on every write.
    if (++this.#writes % 1000 === 0) this.#purge.run(now);
    return result;
  }

  async delete(key: string): Promise<void> {
    this.#delete.run(key);
  }

  async scan<T>(prefix: string, now: number): Promise<Array<StateEntry<T>>> {
    return this.#scan
      .all(prefix, `${prefix}\u{10FFFF}`, now)
      .map((row) => ({ key: row.key, value: JSON.parse(row.value) as T, expiresAt: row.expires_at }));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
