// The append-only audit log of security-relevant changes.
import type { Kysely } from 'kysely';
import type { AuditRow, NewAuditRow, Tables } from '../schema.js';

export interface AuditQuery {
  accountId?: number;
  limit: number;
  after?: { time: number; id: number };
}

export interface AuditRepository {
  append(row: NewAuditRow): Promise<void>;
  page(query: AuditQuery): Promise<AuditRow[]>;
}

export function createAuditRepository(db: Kysely<Tables>): AuditRepository {
  return {
    async append(row) {
      await db.insertInto('audit_log').values(row).execute();
    },
    page(query) {
      let q = db.selectFrom('audit_log').selectAll();
      if (query.accountId !== undefined) q = q.where('account_id', '=', query.accountId);
      const after = query.after;
      if (after) {
        // A row comparison, so the index on (…, time, id) is entered at the cursor instead of scanned to it.
        q = q.where((eb) => eb(eb.refTuple('time', 'id'), '<', eb.tuple(after.time, after.id)));
      }
      return q.orderBy('time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    },
  };
}
