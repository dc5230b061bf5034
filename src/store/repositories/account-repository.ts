// Mail accounts: identity, password hash, status, quota and admin flag.
import type { Kysely } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { AccountRow, AccountUpdate, NewAccountRow, Tables } from '../schema.js';
import { countRows } from './count-rows.js';
import { writeUnique } from './write-unique.js';

export interface AccountRepository {
  create(input: NewAccountRow): Promise<AccountRow>;
  findByAddress(address: string): Promise<AccountRow | undefined>;
  findById(id: number): Promise<AccountRow | undefined>;
  list(options?: { domainId?: number }): Promise<AccountRow[]>;
  count(): Promise<number>;
  /** Updates the named columns; NOT_FOUND when the account is gone. */
  update(id: number, changes: AccountUpdate): Promise<AccountRow>;
  delete(id: number): Promise<void>;
}

export function createAccountRepository(db: Kysely<Tables>, traits: DialectTraits): AccountRepository {
  return {
    create: (input) =>
      writeUnique(traits, `account ${input.address} already exists`, () => db.insertInto('accounts').values(input).returningAll().executeTakeFirstOrThrow()),
    findByAddress: (address) => db.selectFrom('accounts').selectAll().where('address', '=', address).executeTakeFirst(),
    findById: (id) => db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    list: (options = {}) => {
      let query = db.selectFrom('accounts').selectAll();
      if (options.domainId !== undefined) query = query.where('domain_id', '=', options.domainId);
      return query.orderBy('address').execute();
    },
    count: () => countRows(db.selectFrom('accounts')),
    async update(id, changes) {
      const row = await db.updateTable('accounts').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw new MailwardError('NOT_FOUND', { message: `account ${id} does not exist` });
      return row;
    },
    async delete(id) {
      await db.deleteFrom('accounts').where('id', '=', id).execute();
    },
  };
}
