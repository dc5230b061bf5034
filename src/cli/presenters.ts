// Allow-listed views of rows for CLI output: never a hash or a secret.
import type { AccountRow, AliasRow, DomainRow } from '../accounts/index.js';
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

export function presentAccount(row: AccountRow): AccountView {
  return {
    address: row.address,
    displayName: row.display_name,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: isoTime(row.disabled_at),
    quotaBytes: row.quota_bytes,
    admin: row.is_admin === 1,
    mustChangePassword: row.must_change_password === 1,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

export function presentDomain(row: DomainRow): { name: string; createdAt: string | null } {
  return { name: row.name, createdAt: isoTime(row.created_at) };
}

export function presentAlias(row: AliasRow, target: string): { address: string; target: string; createdAt: string | null } {
  return { address: row.address, target, createdAt: isoTime(row.created_at) };
}
