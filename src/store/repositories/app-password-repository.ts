// App passwords: generated secrets for mail clients, stored as keyed hashes.
import type { Kysely } from 'kysely';
import type { AppPasswordRow, Tables } from '../schema.js';

export interface AppPasswordRepository {
  create(input: { accountId: number; name: string; protocols: string; secretHash: string; now: number; ip: string }): Promise<AppPasswordRow>;
  listForAccount(accountId: number): Promise<AppPasswordRow[]>;
  findByHash(secretHash: string): Promise<AppPasswordRow | undefined>;
  markUsed(id: number, options: { now: number; ip: string }): Promise<void>;
  /** Deletes one of the account's app passwords; true when it existed. */
  remove(accountId: number, id: number): Promise<boolean>;
}

export function createAppPasswordRepository(db: Kysely<Tables>): AppPasswordRepository {
  return {
    create: ({ accountId, name, protocols, secretHash, now, ip }) =>
      db
        .insertInto('app_passwords')
        .values({ account_id: accountId, name, protocols, secret_hash: secretHash, created_at: now, created_ip: ip })
        .returningAll()
        .executeTakeFirstOrThrow(),
    listForAccount: (accountId) =>
      db.selectFrom('app_passwords').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute(),
    findByHash: (secretHash) => db.selectFrom('app_passwords').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst(),
    async markUsed(id, { now, ip }) {
      await db.updateTable('app_passwords').set({ last_used_at: now, last_used_ip: ip }).where('id', '=', id).execute();
    },
    async remove(accountId, id) {
      const result = await db.deleteFrom('app_passwords').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
