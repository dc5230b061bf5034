// In-app notifications (security alerts shown in the webmail), newest first by (created_at, id), and the per-account alert switches.
import type { Kysely } from 'kysely';
import type { AlertPreferenceRow, NewNotificationRow, NotificationRow, Tables } from '../schema.js';

export interface NotificationRepository {
  insert(row: NewNotificationRow): Promise<NotificationRow>;
  /** Newest first; continue after the (created_at, id) position of the previous page. */
  page(options: { accountId: number; limit: number; after?: { time: number; id: number }; unreadOnly?: boolean }): Promise<NotificationRow[]>;
  unreadCount(accountId: number): Promise<number>;
  /** Marks the account's unread notifications with these ids (all of them when `ids` is absent) read; returns how many changed. */
  markRead(accountId: number, options: { ids?: readonly number[]; now: number }): Promise<number>;
  /** Deletes notifications created before `before`; returns how many went. */
  prune(before: number): Promise<number>;

  preferences(accountId: number): Promise<AlertPreferenceRow[]>;
  setPreference(accountId: number, options: { kind: string; enabled: boolean; now: number }): Promise<void>;
}

export function createNotificationRepository(db: Kysely<Tables>): NotificationRepository {
  return {
    insert: (row) => db.insertInto('notifications').values(row).returningAll().executeTakeFirstOrThrow(),
    page({ accountId, limit, after, unreadOnly }) {
      let q = db.selectFrom('notifications').selectAll().where('account_id', '=', accountId);
      if (unreadOnly) q = q.where('read_at', 'is', null);
      if (after) {
        // A row comparison, so the index on (account_id, created_at, id) is entered at the cursor.
        q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.time, after.id)));
      }
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    async unreadCount(accountId) {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('account_id', '=', accountId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async markRead(accountId, { ids, now }) {
      if (ids !== undefined && ids.length === 0) return 0;
      let q = db.updateTable('notifications').set({ read_at: now }).where('account_id', '=', accountId).where('read_at', 'is', null);
      if (ids !== undefined) q = q.where('id', 'in', [...ids]);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async prune(before) {
      const result = await db.deleteFrom('notifications').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    preferences: (accountId) => db.selectFrom('alert_preferences').selectAll().where('account_id', '=', accountId).orderBy('kind').execute(),
    async setPreference(accountId, { kind, enabled, now }) {
      await db
        .insertInto('alert_preferences')
        .values({ account_id: accountId, kind, enabled: enabled ? 1 : 0, updated_at: now })
        .onConflict((oc) => oc.columns(['account_id', 'kind']).doUpdateSet({ enabled: enabled ? 1 : 0, updated_at: now }))
        .execute();
    },
  };
}
