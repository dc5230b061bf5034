// Passkeys: the WebAuthn credentials of each account, with their signature counters.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { NewPasskeyRow, PasskeyRow, Tables } from '../schema.js';
import { writeUnique } from './write-unique.js';

export interface PasskeyRepository {
  /** EXISTS when the credential id is registered already (to any account) or the account has a passkey of this name. */
  create(input: NewPasskeyRow): Promise<PasskeyRow>;
  listForAccount(accountId: number): Promise<PasskeyRow[]>;
  find(accountId: number, id: number): Promise<PasskeyRow | undefined>;
  findByCredentialId(credentialId: string): Promise<PasskeyRow | undefined>;
  /**
   * Records a sign-in with the counter it reported, in one conditional update: the stored counter
   * must be lower (or both zero, for authenticators that do not count), so of two assertions with
   * the same counter — a cloned authenticator, or one assertion sent twice at once — only one wins.
   */
  recordUse(id: number, options: { counter: number; backedUp: boolean; now: number }): Promise<boolean>;
  /** False when the account has no passkey with this id; EXISTS when the name is taken. */
  rename(accountId: number, id: number, name: string): Promise<boolean>;
  /** Deletes one of the account's passkeys; true when it existed. */
  remove(accountId: number, id: number): Promise<boolean>;
}

export function createPasskeyRepository(db: Kysely<Tables>, traits: DialectTraits): PasskeyRepository {
  return {
    create: (input) => writeUnique(traits, 'passkey: already registered, or the name is taken', () => db.insertInto('passkeys').values(input).returningAll().executeTakeFirstOrThrow()),
    listForAccount: (accountId) => db.selectFrom('passkeys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute(),
    find: (accountId, id) => db.selectFrom('passkeys').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst(),
    findByCredentialId: (credentialId) => db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst(),
    async recordUse(id, { counter, backedUp, now }) {
      const result = await db
        .updateTable('passkeys')
        .set({ counter, backed_up: backedUp ? 1 : 0, last_used_at: now })
        .where('id', '=', id)
        .where('counter', counter === 0 ? '=' : '<', counter)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async rename(accountId, id, name) {
      const result = await writeUnique(traits, `passkey: the name "${name}" is taken`, () =>
        db.updateTable('passkeys').set({ name }).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },
    async remove(accountId, id) {
      const result = await db.deleteFrom('passkeys').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
