// Decides what an envelope address means here: a local account (directly or by alias), a local name that does not exist, or elsewhere.
import type { Account, AccountService } from '../accounts/index.js';
import { normalizeAddress } from '../lib/index.js';

export type Recipient =
  | { kind: 'local'; address: string; account: Account }
  | { kind: 'unknown'; address: string }
  | { kind: 'remote'; address: string; domain: string }
  | { kind: 'invalid'; address: string };

export class RecipientResolver {
  constructor(private readonly accounts: AccountService) {}

  async resolve(address: string): Promise<Recipient> {
    let normalized: ReturnType<typeof normalizeAddress>;
    try {
      normalized = normalizeAddress(address);
    } catch {
      return { kind: 'invalid', address };
    }
    // Both lookups run for every address, served domain or not, so timing does not tell which
    // local names exist.
    const [account, served] = await Promise.all([this.accounts.resolve(normalized.address), this.accounts.servesDomain(normalized.domain)]);
    if (account) return { kind: 'local', address: normalized.address, account };
    if (served) return { kind: 'unknown', address: normalized.address };
    return { kind: 'remote', address: normalized.address, domain: normalized.domain };
  }

  /** The addresses an account may send as: its own and its aliases. */
  async sendableAddresses(account: Account): Promise<Set<string>> {
    return new Set([account.address, ...(await this.accounts.aliasesOf(account))]);
  }
}
