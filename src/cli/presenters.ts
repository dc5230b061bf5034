// Allow-listed views of accounts, domains and aliases for CLI output: never a hash or a secret.
import type { Account, Alias, Domain } from '../accounts/index.js';
import { isoTime } from './output.js';

export interface AccountView {
  address: string;
  displayName: string;
  status: string;
  disabledReason: string | null;
  disabledAt: string | null;
  quotaBytes: number;
  admin: boolean;
  mustChangePassword: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export function presentAccount(account: Account): AccountView {
  return {
    address: account.address,
    displayName: account.displayName,
    status: account.status,
    disabledReason: account.disabledReason,
    disabledAt: isoTime(account.disabledAt),
    quotaBytes: account.quotaBytes,
    admin: account.admin,
    mustChangePassword: account.mustChangePassword,
    createdAt: isoTime(account.createdAt),
    updatedAt: isoTime(account.updatedAt),
  };
}

export function presentDomain(domain: Domain): { name: string; createdAt: string | null } {
  return { name: domain.name, createdAt: isoTime(domain.createdAt) };
}

export function presentAlias(alias: Alias, target: string): { address: string; target: string; createdAt: string | null } {
  return { address: alias.address, target, createdAt: isoTime(alias.createdAt) };
}
