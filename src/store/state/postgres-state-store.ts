// StateStore in an UNLOGGED PostgreSQL table, shared by every node that uses the same database.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { StateEntry, StateStore, StateUpdate } from '../../shared-state/index.js';

/**
 * UNLOGGED: no WAL traffic for counters written on every failed login; PostgreSQL empties the table
 * after a crash, which only forgets throttles and volume counts early.
 */
export class PostgresStateStore implements StateStore {
  private constructor(private readonly db: Kysely<unknown>) {}

  static async open(db: Kysely<unknown>): Promise<PostgresStateStore> {
    await sql`create unlogged table if not exists shared_state (key text primary key, value jsonb not null, expires_at bigint not null)`.execute(db);
    return new PostgresStateStore(db);
  }

  async get<T>(key: string, now: number): Promise<T | undefined> {
    const { rows } = await sql<{ value: T }>`select value from shared_state where key = ${key} and expires_at > ${now}`.execute(this.db);
    return rows[0]?.value;
  }

  async update<T>(key: string, now: number, change: (current: T | undefined) => StateUpdate<T>): Promise<T | undefined> {
    return this.db.transaction().execute(async (trx) => {
      // Insert-or-lock in one statement, so concurrent updates of one key serialise. (A separate
      // INSERT … DO NOTHING then SELECT … FOR UPDATE found no row when another transaction deleted
      // it in between, and the final UPDATE then silently wrote nothing.) ON CONFLICT DO UPDATE
      // always ends holding the row lock, retrying by itself when the row is deleted meanwhile.
      const { rows } = await sql<{ value: T; expires_at: string | number }>`
        insert into shared_state (key, value, expires_at) values (${key}, 'null'::jsonb, 0)
        on conflict (key) do update set expires_at = shared_state.expires_at
        returning value, expires_at`.execute(trx);
      const row = rows[0];
      const current = row && Number(row.expires_at) > now ? row.value : undefined;
      const next = change(current ?? undefined);
      if (next === undefined) {
        await sql`delete from shared_state where key = ${key}`.execute(trx);
        return undefined;
      }
      await sql`update shared_state set value = ${JSON.stringify(next.value)}::jsonb, expires_at = ${now + next.ttlMs} where key = ${key}`.execute(trx);
      return next.value;
    });
  }

  async delete(key: string): Promise<void> {
    await sql`delete from shared_state where key = ${key}`.execute(this.db);
  }

  async scan<T>(prefix: string, now: number): Promise<Array<StateEntry<T>>> {
    const { rows } = await sql<{ key: string; value: T; expires_at: string | number }>`
      select key, value, expires_at from shared_state
      where starts_with(key, ${prefix}) and expires_at > ${now} order by key`.execute(this.db);
    return rows.map((r) => ({ key: r.key, value: r.value, expiresAt: Number(r.expires_at) }));
  }

  async close(): Promise<void> {
    // The pool belongs to the store and closes with it.
  }
}
