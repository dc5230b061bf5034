// Accounts read and written as values, from the store or inside one of its transactions.
import type { Repositories } from '../store/index.js';
import type { Account, AccountChanges } from './account.js';
import { accountOf, accountUpdateOf } from './account.js';

export interface AccountRecords {
  findById(id: number): Promise<Account | undefined>;
  /** By the normalised address (aliases are AccountService.resolve's business). */
  findByAddress(address: string): Promise<Account | undefined>;
  /** Writes the fields given; NOT_FOUND when the account is gone. */
  update(id: number, changes: AccountChanges): Promise<Account>;
}

/** `repositories` is the store, or a transaction's repositories so the writes share its fate. */
export function accountRecords(repositories: Pick<Repositories, 'accounts'>): AccountRecords {
  const { accounts } = repositories;
  return {
    findById: async (id) => {
      const row = await accounts.findById(id);
      return row && accountOf(row);
    },
    findByAddress: async (address) => {
      const row = await accounts.findByAddress(address);
      return row && accountOf(row);
    },
    update: async (id, changes) => accountOf(await accounts.update(id, accountUpdateOf(changes))),
  };
}
