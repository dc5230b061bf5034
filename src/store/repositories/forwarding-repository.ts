// Each account's auto-forwarding list.
import type { Kysely } from 'kysely';
import type { ForwardingRow, Tables } from '../schema.js';

export interface ForwardingRepository {
  get(accountId: number): Promise<ForwardingRow | undefined>;
  set(input: { accountId: number; addresses: string[]; keepCopy: boolean; now: number }): Promise<void>;
}

export function createForwardingRepository(db: Kysely<Tables>): ForwardingRepository {
  return {
    get: (accountId) => db.selectFrom('forwarding').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
    async set({ accountId, addresses, keepCopy, now }) {
      const values = { addresses: JSON.stringify(addresses), keep_copy: keepCopy ? 1 : 0, updated_at: now };
      await db
        .insertInto('forwarding')
        .values({ account_id: accountId, ...values })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
        .execute();
    },
  };
}
