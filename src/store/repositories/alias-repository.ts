// Extra addresses that deliver to an account.
import type { Kysely } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { AliasRow, Tables } from '../schema.js';
import { writeUnique } from './write-unique.js';

export interface AliasRepository {
  create(input: { address: string; domainId: number; accountId: number; now: number }): Promise<AliasRow>;
  findByAddress(address: string): Promise<AliasRow | undefined>;
  listForAccount(accountId: number): Promise<AliasRow[]>;
  list(): Promise<AliasRow[]>;
  remove(address: string): Promise<void>;
}

export function createAliasRepository(db: Kysely<Tables>, traits: DialectTraits): AliasRepository {
  return {
    create: ({ address, domainId, accountId, now }) =>
      writeUnique(traits, `alias ${address} already exists`, () =>
        db.insertInto('aliases').values({ address, domain_id: domainId, account_id: accountId, created_at: now }).returningAll().executeTakeFirstOrThrow(),
      ),
    findByAddress: (address) => db.selectFrom('aliases').selectAll().where('address', '=', address).executeTakeFirst(),
    listForAccount: (accountId) =>
      db.selectFrom('aliases').selectAll().where('account_id', '=', accountId).orderBy('address').execute(),
    list: () => db.selectFrom('aliases').selectAll().orderBy('address').execute(),
    async remove(address) {
      const result = await db.deleteFrom('aliases').where('address', '=', address).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new MailwardError('NOT_FOUND', { message: `alias ${address} does not exist` });
    },
  };
}
