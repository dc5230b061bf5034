// Row types of every table, shared by both dialects (times are epoch milliseconds, flags 0/1).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface DomainsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface AccountsTable {
  id: Generated<number>;
  address: string;
  local_part: string;
  domain_id: number;
  display_name: string;
  password_hash: string;
  /** 'active' | 'disabled' */
  status: string;
  disabled_reason: string | null;
  disabled_at: number | null;
  /** Bytes; 0 = no quota. */
  quota_bytes: number;
  is_admin: number;
  /** Set for generated one-time passwords: the next sign-in must choose a new password. */
  must_change_password: number;
  created_at: number;
  updated_at: number;
}

export interface AliasesTable {
  id: Generated<number>;
  address: string;
  domain_id: number;
  account_id: number;
  created_at: number;
}

export interface PoliciesTable {
  /** 'global' or 'domain:<domain name>' */
  scope: string;
  key: string;
  /** JSON text of the value, validated by accounts/policy-schema before it is written. */
  value: string;
  updated_at: number;
}

export interface BlobsTable {
  id: string;
  size: number;
  data: Uint8Array;
  created_at: number;
}

export interface Tables {
  domains: DomainsTable;
  accounts: AccountsTable;
  aliases: AliasesTable;
  policies: PoliciesTable;
  blobs: BlobsTable;
}

export type DomainRow = Selectable<DomainsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type AliasRow = Selectable<AliasesTable>;
export type PolicyRow = Selectable<PoliciesTable>;
