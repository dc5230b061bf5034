// The outbound queue's rows: enqueue in the caller's transaction, claim due rows, finish or defer them.
import type { Kysely } from 'kysely';
import type { NewOutboundRow, OutboundRow, Tables } from '../schema.js';
import { countRows } from './count-rows.js';

export interface OutboundRepository {
  enqueue(rows: NewOutboundRow[]): Promise<number[]>;
  /**
   * Claims up to `limit` due rows for `lockMs`: each row is claimed by one worker at a time, even
   * with several nodes (the UPDATE only succeeds while the row is still unclaimed).
   */
  claimDue(options: { now: number; limit: number; lockMs: number }): Promise<OutboundRow[]>;
  delete(id: number): Promise<void>;
  defer(id: number, options: { nextAttemptAt: number; error: string }): Promise<void>;
  fail(id: number, options: { error: string }): Promise<void>;
  /** Makes a row due now (admin retry). */
  retryNow(id: number, now: number): Promise<boolean>;
  find(id: number): Promise<OutboundRow | undefined>;
  list(options?: { limit?: number }): Promise<OutboundRow[]>;
  /** Rows (queued or failed) still using a blob. */
  blobReferences(blobId: string): Promise<number>;
  /**
   * Gives claimed rows back without counting an attempt (a worker shutting down). Only rows still
   * under the caller's claim (same `locked_until`) are released, never a later claim by another worker.
   */
  release(rows: Array<{ id: number; locked_until: number }>): Promise<void>;
  /** Deletes up to `limit` failed rows whose queue lifetime ended before `expiredBefore`; returns their blob ids. */
  purgeFailed(options: { expiredBefore: number; limit: number }): Promise<string[]>;
}

export function createOutboundRepository(db: Kysely<Tables>): OutboundRepository {
  return {
    async enqueue(rows) {
      if (rows.length === 0) return [];
      const inserted = await db.insertInto('outbound_queue').values(rows).returning('id').execute();
      return inserted.map((r) => r.id);
    },
    async claimDue({ now, limit, lockMs }) {
      const due = await db
        .selectFrom('outbound_queue')
        .select(['id', 'locked_until'])
        .where('status', '=', 'queued')
        .where('next_attempt_at', '<=', now)
        .where('locked_until', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      const claimed: OutboundRow[] = [];
      for (const row of due) {
        const won = await db
          .updateTable('outbound_queue')
          .set({ locked_until: now + lockMs })
          .where('id', '=', row.id)
          .where('locked_until', '=', row.locked_until)
          .returningAll()
          .executeTakeFirst();
        if (won) claimed.push(won);
      }
      return claimed;
    },
    async delete(id) {
      await db.deleteFrom('outbound_queue').where('id', '=', id).execute();
    },
    async defer(id, { nextAttemptAt, error }) {
      await db
        .updateTable('outbound_queue')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, locked_until: 0, last_error: error.slice(0, 1000) }))
        .where('id', '=', id)
        .execute();
    },
    async fail(id, { error }) {
      await db
        .updateTable('outbound_queue')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), status: 'failed', locked_until: 0, last_error: error.slice(0, 1000) }))
        .where('id', '=', id)
        .execute();
    },
    async retryNow(id, now) {
      const result = await db
        .updateTable('outbound_queue')
        .set({ status: 'queued', next_attempt_at: now, locked_until: 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    find: (id) => db.selectFrom('outbound_queue').selectAll().where('id', '=', id).executeTakeFirst(),
    list: (options = {}) => db.selectFrom('outbound_queue').selectAll().orderBy('id').limit(options.limit ?? 1000).execute(),
    blobReferences: (blobId) => countRows(db.selectFrom('outbound_queue').where('blob_id', '=', blobId)),
    async release(rows) {
      for (const row of rows) {
        await db
          .updateTable('outbound_queue')
          .set({ locked_until: 0 })
          .where('id', '=', row.id)
          .where('locked_until', '=', row.locked_until)
          .execute();
      }
    },
    async purgeFailed({ expiredBefore, limit }) {
      const rows = await db
        .selectFrom('outbound_queue')
        .select(['id', 'blob_id'])
        .where('status', '=', 'failed')
        .where('expires_at', '<', expiredBefore)
        .orderBy('id')
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      await db
        .deleteFrom('outbound_queue')
        .where('status', '=', 'failed')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return [...new Set(rows.map((r) => r.blob_id))];
    },
  };
}
