// The account, alias and domain values the rest of the core and the doors work with; their rows stay in this module.
import type { AccountRow, AccountUpdate, AliasRow, DomainRow } from '../store/index.js';

export type AccountStatus = 'active' | 'disabled';

/** A mail account. It holds no secret: the password and security-code hashes stay in accounts/. */
export interface Account {
  id: number;
  address: string;
  localPart: string;
  domainId: number;
  displayName: string;
  status: AccountStatus;
  disabledReason: string | null;
  disabledAt: number | null;
  /** Bytes; 0 = no quota. */
  quotaBytes: number;
  admin: boolean;
  /** The password is a generated one-time password: the next sign-in must choose a new one. */
  mustChangePassword: boolean;
  createdAt: number;
  updatedAt: number;
  smtpEnabled: boolean;
  imapEnabled: boolean;
  pop3Enabled: boolean;
  /** Whether the owner has set a personal security code (AccountService.verifySecurityCode checks it). */
  hasSecurityCode: boolean;
  passwordHint: string | null;
  passwordChangedAt: number;
  /** Sessions begun before this time (ms) are revoked. */
  sessionsValidAfter: number;
  /** Protocol sessions signed in with the account password before this time (ms) are revoked. */
  passwordSessionsValidAfter: number;
  twoFactorEnabled: boolean;
  /** Device trust given before this time (ms) no longer counts. */
  trustValidAfter: number;
  /** The webmail's language ('' follows the browser; else en, zh-TW or zh-CN). */
  language: string;
}

export interface Alias {
  id: number;
  address: string;
  domainId: number;
  /** The account mail to the alias is delivered to. */
  accountId: number;
  createdAt: number;
}

export interface Domain {
  id: number;
  name: string;
  createdAt: number;
}

/** What may change on an account; the hashes are written here but never read back into an Account. */
export interface AccountChanges {
  displayName?: string;
  language?: string;
  status?: AccountStatus;
  disabledReason?: string | null;
  disabledAt?: number | null;
  passwordHash?: string;
  passwordChangedAt?: number;
  mustChangePassword?: boolean;
  securityCodeHash?: string | null;
  passwordHint?: string | null;
  smtpEnabled?: boolean;
  imapEnabled?: boolean;
  pop3Enabled?: boolean;
  sessionsValidAfter?: number;
  passwordSessionsValidAfter?: number;
  twoFactorEnabled?: boolean;
  trustValidAfter?: number;
  updatedAt?: number;
}

interface Credentials {
  passwordHash: string;
  securityCodeHash: string | null;
}

/**
 * The hashes read with each account, kept beside the value rather than in it: no presenter can
 * print them, and checking a password right after the account was read needs no second query.
 */
const credentials = new WeakMap<Account, Credentials>();

/** The hashes read with this account, when it was read by this module (a copy has none). */
export function credentialsOf(account: Account): Credentials | undefined {
  return credentials.get(account);
}

const flag = (value: number): boolean => value === 1;

export function accountOf(row: AccountRow): Account {
  const account: Account = {
    id: row.id,
    address: row.address,
    localPart: row.local_part,
    domainId: row.domain_id,
    displayName: row.display_name,
    status: row.status === 'active' ? 'active' : 'disabled',
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    quotaBytes: row.quota_bytes,
    admin: flag(row.is_admin),
    mustChangePassword: flag(row.must_change_password),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    smtpEnabled: flag(row.smtp_enabled),
    imapEnabled: flag(row.imap_enabled),
    pop3Enabled: flag(row.pop3_enabled),
    hasSecurityCode: row.security_code_hash !== null,
    passwordHint: row.password_hint,
    passwordChangedAt: row.password_changed_at,
    sessionsValidAfter: row.sessions_valid_after,
    passwordSessionsValidAfter: row.password_sessions_valid_after,
    twoFactorEnabled: flag(row.two_factor_enabled),
    trustValidAfter: row.trust_valid_after,
    language: row.language,
  };
  credentials.set(account, { passwordHash: row.password_hash, securityCodeHash: row.security_code_hash });
  return account;
}

const bit = (value: boolean | undefined): number | undefined => (value === undefined ? undefined : value ? 1 : 0);

/** The columns of a change; only the fields given are written. */
export function accountUpdateOf(changes: AccountChanges): AccountUpdate {
  const columns: AccountUpdate = {
    display_name: changes.displayName,
    language: changes.language,
    status: changes.status,
    disabled_reason: changes.disabledReason,
    disabled_at: changes.disabledAt,
    password_hash: changes.passwordHash,
    password_changed_at: changes.passwordChangedAt,
    must_change_password: bit(changes.mustChangePassword),
    security_code_hash: changes.securityCodeHash,
    password_hint: changes.passwordHint,
    smtp_enabled: bit(changes.smtpEnabled),
    imap_enabled: bit(changes.imapEnabled),
    pop3_enabled: bit(changes.pop3Enabled),
    sessions_valid_after: changes.sessionsValidAfter,
    password_sessions_valid_after: changes.passwordSessionsValidAfter,
    two_factor_enabled: bit(changes.twoFactorEnabled),
    trust_valid_after: changes.trustValidAfter,
    updated_at: changes.updatedAt,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined)) as AccountUpdate;
}

export function aliasOf(row: AliasRow): Alias {
  return { id: row.id, address: row.address, domainId: row.domain_id, accountId: row.account_id, createdAt: row.created_at };
}

export function domainOf(row: DomainRow): Domain {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
