// Opens a PostgreSQL pool for Kysely, with 64-bit integers returned as numbers.
import type pgModule from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { MailwardError } from '../../../errors/index.js';
import type { Tables } from '../../schema.js';

const INT8_OID = 20;

/** The URL with its password replaced, safe for messages and logs. */
export function maskDatabaseURL(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

export interface OpenPostgresOptions {
  url: string;
  poolSize?: number;
  /** Schema to put first on the search_path (tests use one schema per run). */
  schema?: string;
}

/** Opens a pool and checks it can connect, so a bad URL fails at start-up with one line. */
export async function openPostgres(options: OpenPostgresOptions): Promise<Kysely<Tables>> {
  // Loaded only for a PostgreSQL store: the embedded default never needs the driver.
  const pg: typeof pgModule = (await import('pg')).default;
  const types = {
    // Ids, times and sizes are int8; all stay below 2^53, so numbers are exact.
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const reason = error instanceof Error ? error.message.split('\n')[0] || error.name : String(error);
    throw new MailwardError('STORAGE_UNAVAILABLE', {
      message: `database: cannot connect to ${maskDatabaseURL(options.url)}: ${reason}`,
      cause: error,
    });
  }
  return db;
}
