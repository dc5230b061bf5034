// Each account's IMAP subscriptions (RFC 3501 §6.3.6): mailbox names, kept when the mailbox is deleted, as LSUB and LIST (SUBSCRIBED) report them.
import type { Kysely } from 'kysely';
import type { Tables } from '../schema.js';

/** Names are full mailbox names as stored; the caller normalises them. */
export interface SubscriptionRepository {
  /** The account's subscribed names, sorted. */
  list(accountId: number): Promise<string[]>;
  /** Subscribes a name; one that is subscribed already stays as it is. */
  add(accountId: number, name: string): Promise<void>;
  /** True when the name was subscribed. */
  remove(accountId: number, name: string): Promise<boolean>;
}

export function createSubscriptionRepository(db: Kysely<Tables>): SubscriptionRepository {
  return {
    async list(accountId) {
      const rows = await db.selectFrom('mailbox_subscriptions').select('name').where('account_id', '=', accountId).orderBy('name').execute();
      return rows.map((r) => r.name);
    },
    async add(accountId, name) {
      await db
        .insertInto('mailbox_subscriptions')
        .values({ account_id: accountId, name })
        .onConflict((oc) => oc.columns(['account_id', 'name']).doNothing())
        .execute();
    },
    async remove(accountId, name) {
      const result = await db.deleteFrom('mailbox_subscriptions').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
