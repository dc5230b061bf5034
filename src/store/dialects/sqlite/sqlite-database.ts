// Opens the embedded SQLite database: WAL, foreign keys, busy timeout, and write transactions that take the lock up front.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseConnection, Driver } from 'kysely';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import { MailwardError } from '../../../errors/index.js';
import type { Tables } from '../../schema.js';

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

export interface OpenSQLiteOptions {
  /** Database file; ':memory:' for a throw-away database. */
  file: string;
  /** How long to wait for another process's write lock (ms). */
  busyTimeoutMs?: number;
}

export function openSQLite(options: OpenSQLiteOptions): Kysely<Tables> {
  let database: BetterSqlite3.Database;
  try {
    if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true, mode: 0o700 });
    database = new BetterSqlite3(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    database.pragma('journal_mode = WAL');
    // FULL: a committed transaction survives power loss, which "never lose an acknowledged message" needs.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Probe that the file is writable now rather than on the first real write.
    database.exec('CREATE TABLE IF NOT EXISTS mailward_probe (x INTEGER); DROP TABLE mailward_probe;');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `database: cannot open ${options.file}: ${reason}`, cause: error });
  }
  return new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database }) });
}
