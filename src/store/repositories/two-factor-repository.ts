// Two-factor records: sealed TOTP secrets with their last accepted step, and hashed single-use backup codes.
import type { Kysely } from 'kysely';
import type { BackupCodeRow, Tables, TotpSecretRow } from '../schema.js';

export interface TwoFactorRepository {
  findTotp(accountId: number): Promise<TotpSecretRow | undefined>;
  /** Starts (or restarts) an enrolment: a new pending secret; the active one, if any, stays. */
  setPending(accountId: number, options: { sealed: string; now: number }): Promise<void>;
  /**
   * Makes the pending secret active with the step its confirming code was for. False when the
   * pending secret changed meanwhile (another enrolment started), so a stale code cannot activate it.
   */
  activatePending(accountId: number, options: { pendingSealed: string; step: number; now: number }): Promise<boolean>;
  /**
   * Accepts a code's time step only if it is later than the last accepted one, in one conditional
   * update, so two nodes (or two requests) can never both accept the same code.
   */
  acceptStep(accountId: number, step: number): Promise<boolean>;
  deleteTotp(accountId: number): Promise<boolean>;

  /** Replaces the account's backup codes with these hashes (the old set stops working). */
  replaceBackupCodes(accountId: number, options: { hashes: string[]; now: number }): Promise<void>;
  /** Marks an unused code used; false when there is none with this hash (wrong or already used). */
  useBackupCode(accountId: number, options: { hash: string; now: number; ip: string }): Promise<boolean>;
  backupCodeStatus(accountId: number): Promise<{ total: number; remaining: number; createdAt: number | null }>;
  deleteBackupCodes(accountId: number): Promise<number>;
  /** Accounts with two-factor sign-in on whose backup code set was made before `before`, with when, oldest first. */
  agingBackupCodeSets(options: { before: number; limit: number }): Promise<Array<{ accountId: number; createdAt: number; remaining: number }>>;
  listBackupCodes(accountId: number): Promise<BackupCodeRow[]>;
}

export function createTwoFactorRepository(db: Kysely<Tables>): TwoFactorRepository {
  return {
    findTotp: (accountId) => db.selectFrom('totp_secrets').selectAll().where('account_id', '=', accountId).executeTakeFirst(),
    async setPending(accountId, { sealed, now }) {
      await db
        .insertInto('totp_secrets')
        .values({ account_id: accountId, pending_sealed: sealed, pending_created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ pending_sealed: sealed, pending_created_at: now, updated_at: now }))
        .execute();
    },
    async activatePending(accountId, { pendingSealed, step, now }) {
      const result = await db
        .updateTable('totp_secrets')
        .set({ secret_sealed: pendingSealed, pending_sealed: null, pending_created_at: null, last_step: step, enabled_at: now, updated_at: now })
        .where('account_id', '=', accountId)
        .where('pending_sealed', '=', pendingSealed)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async acceptStep(accountId, step) {
      const result = await db
        .updateTable('totp_secrets')
        .set({ last_step: step })
        .where('account_id', '=', accountId)
        .where('last_step', '<', step)
        .where('secret_sealed', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async deleteTotp(accountId) {
      const result = await db.deleteFrom('totp_secrets').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async replaceBackupCodes(accountId, { hashes, now }) {
      await db.deleteFrom('backup_codes').where('account_id', '=', accountId).execute();
      if (hashes.length > 0) {
        await db
          .insertInto('backup_codes')
          .values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, created_at: now })))
          .execute();
      }
    },
    async useBackupCode(accountId, { hash, now, ip }) {
      // Conditional on used_at being null: of two concurrent uses of one code, only one updates a row.
      const result = await db
        .updateTable('backup_codes')
        .set({ used_at: now, used_ip: ip })
        .where('account_id', '=', accountId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async agingBackupCodeSets({ before, limit }) {
      const rows = await db
        .selectFrom('backup_codes')
        .innerJoin('accounts', 'accounts.id', 'backup_codes.account_id')
        .where('accounts.two_factor_enabled', '=', 1)
        .groupBy('backup_codes.account_id')
        .select((eb) => [
          'backup_codes.account_id as accountId',
          eb.fn.min<number>('backup_codes.created_at').as('createdAt'),
          eb.fn.sum<number>(eb.case().when('backup_codes.used_at', 'is', null).then(1).else(0).end()).as('remaining'),
        ])
        .having((eb) => eb.fn.min('backup_codes.created_at'), '<', before)
        .orderBy('createdAt')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ accountId: Number(r.accountId), createdAt: Number(r.createdAt), remaining: Number(r.remaining) }));
    },
    async backupCodeStatus(accountId) {
      const row = await db
        .selectFrom('backup_codes')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('total'),
          eb.fn.count<number | string>('id').filterWhere('used_at', 'is', null).as('remaining'),
          eb.fn.min<number | string | null>('created_at').as('created_at'),
        ])
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return {
        total: Number(row.total),
        remaining: Number(row.remaining),
        createdAt: row.created_at === null ? null : Number(row.created_at),
      };
    },
    async deleteBackupCodes(accountId) {
      const result = await db.deleteFrom('backup_codes').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    listBackupCodes: (accountId) => db.selectFrom('backup_codes').selectAll().where('account_id', '=', accountId).orderBy('id').execute(),
  };
}
