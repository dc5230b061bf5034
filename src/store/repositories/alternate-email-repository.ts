// Alternate emails: one verified address per account and the one being verified, with keyed hashes of its code and link.
import type { Kysely } from 'kysely';
import type { AlternateEmailRow, Tables } from '../schema.js';

export interface PendingAlternateEmail {
  address: string;
  codeHash: string;
  linkHash: string;
  expiresAt: number;
  now: number;
}

export interface AlternateEmailRepository {
  find(accountId: number): Promise<AlternateEmailRow | undefined>;
  /** The row whose pending link has this keyed hash, if any. */
  findByLinkHash(linkHash: string): Promise<AlternateEmailRow | undefined>;
  /** Starts (or restarts) a verification: a new pending address, code and link; the verified address stays. */
  setPending(accountId: number, pending: PendingAlternateEmail): Promise<void>;
  /**
   * Makes the pending address the verified one, only if the pending verification is still the one
   * with this link hash and has not expired: one conditional update, so a code or link works once
   * even when two requests race. Returns the row after the change, or undefined when nothing changed.
   */
  promotePending(accountId: number, options: { linkHash: string; now: number }): Promise<AlternateEmailRow | undefined>;
  /** Counts a wrong code against the pending verification with this link hash; returns the new count (0 when it is gone). */
  countWrongCode(accountId: number, options: { linkHash: string }): Promise<number>;
  /** Forgets the pending verification (the verified address stays). */
  clearPending(accountId: number, options: { now: number }): Promise<void>;
  /** Deletes the account's row (verified and pending address); true when there was one. */
  remove(accountId: number): Promise<boolean>;
}

const NO_PENDING = {
  pending_address: null,
  pending_code_hash: null,
  pending_link_hash: null,
  pending_expires_at: null,
  pending_attempts: 0,
} as const;

export function createAlternateEmailRepository(db: Kysely<Tables>): AlternateEmailRepository {
  return {
    find: (accountId) => db.selectFrom('alternate_emails').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
    findByLinkHash: (linkHash) => db.selectFrom('alternate_emails').selectAll().where('pending_link_hash', '=', linkHash).executeTakeFirst(),
    async setPending(accountId, pending) {
      const values = {
        pending_address: pending.address,
        pending_code_hash: pending.codeHash,
        pending_link_hash: pending.linkHash,
        pending_expires_at: pending.expiresAt,
        pending_attempts: 0,
        updated_at: pending.now,
      };
      await db
        .insertInto('alternate_emails')
        .values({ account_id: accountId, ...values })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
        .execute();
    },
    async promotePending(accountId, { linkHash, now }) {
      return db
        .updateTable('alternate_emails')
        .set((eb) => ({ address: eb.ref('pending_address'), verified_at: now, ...NO_PENDING, updated_at: now }))
        .where('account_id', '=', accountId)
        .where('pending_link_hash', '=', linkHash)
        .where('pending_expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
    },
    async countWrongCode(accountId, { linkHash }) {
      const row = await db
        .updateTable('alternate_emails')
        .set((eb) => ({ pending_attempts: eb('pending_attempts', '+', 1) }))
        .where('account_id', '=', accountId)
        .where('pending_link_hash', '=', linkHash)
        .returning('pending_attempts')
        .executeTakeFirst();
      return row ? Number(row.pending_attempts) : 0;
    },
    async clearPending(accountId, { now }) {
      await db
        .updateTable('alternate_emails')
        .set({ ...NO_PENDING, updated_at: now })
        .where('account_id', '=', accountId)
        .execute();
    },
    async remove(accountId) {
      const result = await db.deleteFrom('alternate_emails').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
