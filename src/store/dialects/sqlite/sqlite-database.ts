// Opens the embedded SQLite database: WAL, foreign keys, busy timeout, and write transactions that take the lock up front.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseConnection, Driver } from 'kysely';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import { MailwardError } from '../../../errors/index.js';
import type { Tables } from '../../schema.js';
import { preparePrivateDatabaseFile } from '../../private-database-file.js';

/**
 * Kysely begins SQLite transactions with a plain (deferred) BEGIN. Under WAL a deferred
 * transaction that later writes can fail with SQLITE_BUSY at once, without honouring the busy
 * timeout, when another process (the CLI beside `serve`) committed in between. BEGIN IMMEDIATE
 * takes the write lock first, so it waits its turn instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * After some errors (a full disk, an I/O error) SQLite has already rolled the transaction back;
   * a second ROLLBACK would then fail and hide the real error from the caller.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      if (!/no transaction is active/i.test((error as Error).message)) throw error;
    }
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** Distinct SQL texts kept prepared; the hot paths use a few dozen. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every statement anew; preparing is a quarter of the cost of a small query (a
 * flood of throttled logins measured it). Statements are reused by SQL text, least recently used
 * dropped first. Safe because better-sqlite3 is synchronous and Mailward never streams rows from
 * SQLite (an iterating statement could not be reused while open).
 */
function cachePreparedStatements(database: BetterSqlite3.Database): void {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof database.prepare;
}

export interface OpenSQLiteOptions {
  /** Database file; ':memory:' for a throw-away database. */
  file: string;
  /** How long to wait for another process's write lock (ms). */
  busyTimeoutMs?: number;
}

export function openSQLite(options: OpenSQLiteOptions): Kysely<Tables> {
  let database: BetterSqlite3.Database;
  try {
    if (options.file !== ':memory:') {
      fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
      preparePrivateDatabaseFile(options.file);
    }
    database = new BetterSqlite3(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    database.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives power loss, which "never lose an acknowledged message" needs.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Probe that the file is writable now rather than on the first real write: taking the write
    // lock fails on a read-only file or file system, and writes nothing (so it also works on a full disk).
    database.exec('BEGIN IMMEDIATE; ROLLBACK;');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `database: cannot open ${options.file}: ${reason}`, cause: error });
  }
  cachePreparedStatements(database);
  return new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database }) });
}
