// Password reset tokens: keyed hashes of single-use, expiring tokens mailed to a verified alternate address.
import type { Kysely } from 'kysely';
import type { PasswordResetTokenRow, Tables } from '../schema.js';

export interface PasswordResetRepository {
  insert(row: { tokenHash: string; accountId: number; createdAt: number; expiresAt: number; ip: string }): Promise<void>;
  find(tokenHash: string): Promise<PasswordResetTokenRow | undefined>;
  /**
   * Marks an unused, unexpired token used, in one conditional update: of two requests with the
   * same token, one wins. False when it is unknown, used, expired or not this account's.
   */
  consume(tokenHash: string, options: { accountId: number; now: number }): Promise<boolean>;
  /** Voids every unused token of the account (after a reset: other links in the mailbox stop working). */
  voidForAccount(accountId: number, options: { now: number }): Promise<number>;
  /** Deletes tokens that expired before `before`; returns how many went. */
  prune(before: number): Promise<number>;
}

export function createPasswordResetRepository(db: Kysely<Tables>): PasswordResetRepository {
  return {
    async insert(row) {
      await db
        .insertInto('password_reset_tokens')
        .values({ token_hash: row.tokenHash, account_id: row.accountId, created_at: row.createdAt, expires_at: row.expiresAt, requested_ip: row.ip })
        .execute();
    },
    find: (tokenHash) => db.selectFrom('password_reset_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    async consume(tokenHash, { accountId, now }) {
      const result = await db
        .updateTable('password_reset_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async voidForAccount(accountId, { now }) {
      const result = await db
        .updateTable('password_reset_tokens')
        .set({ used_at: now })
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async prune(before) {
      const result = await db.deleteFrom('password_reset_tokens').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
