// Two-factor sign-in: TOTP enrolment, the second-factor check (TOTP or backup code, throttled, no replay), backup codes, turning off, admin reset; what auth.require_2fa asks is two-factor-requirement.ts.
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { accountDomain } from '../../lib/index.js';
import { MailwardError, isMailwardError } from '../../errors/index.js';
import type { EventBus } from '../../shared-state/index.js';
import type { MailClientRow, Store } from '../../store/index.js';
import type { AccountSecurity } from '../account-security.js';
import type { Actor } from '../../kernel/actor.js';
import type { AppPasswordProtocol, AppPasswords, AppPasswordView } from './app-passwords.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import { BACKUP_CODES_LOW, backupCodesText, generateBackupCodes, hashBackupCode, looksLikeBackupCode } from './backup-codes.js';
import type { LoginRecords } from '../gate/login-records.js';
import { canonicalIp } from '../gate/network.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { Throttle } from '../gate/throttle.js';
import { checkUnderCodeThrottle } from './code-throttle.js';
import type { TwoFactorRequirement } from './two-factor-requirement.js';
import { twoFactorRequirement } from './two-factor-requirement.js';
import {
  TOTP_DIGITS,
  generateTotpSecret,
  groupedSecret,
  matchTotp,
  normalizeTotpCode,
  openTotpSecret,
  otpauthURI,
  qrCodeSVG,
  sealTotpSecret,
} from './totp.js';

const DAY_MS = 24 * 3600_000;
/** Mail clients seen in this window are offered an app password when two-factor sign-in is turned on. */
export const MAIL_CLIENT_WINDOW_MS = 30 * DAY_MS;
/**
 * An enrolment must be confirmed within this time: a QR code left on a screen (or in a screenshot)
 * should not become a working second factor days later.
 */
export const ENROLMENT_TTL_MS = 30 * 60_000;

export interface TwoFactorDeps {
  store: Pick<Store, 'accounts' | 'twoFactor' | 'loginRecords' | 'passkeys' | 'state' | 'transaction'>;
  policies: PolicyService;
  throttle: Throttle;
  loginRecords: Pick<LoginRecords, 'flush'>;
  appPasswords: AppPasswords;
  accountSecurity: Pick<AccountSecurity, 'verifyCurrentPassword' | 'revokeSessions'>;
  audit: AuditLog;
  events: EventBus;
  key: ServerKey;
  now: () => number;
  /** The issuer shown in authenticator apps: "Mailward" or the configured host name. */
  issuer?: string;
}

export interface Enrolment {
  /** otpauth://totp/Issuer:address?secret=…&issuer=… */
  uri: string;
  /** The same URI as a QR code (an SVG document). */
  qrSVG: string;
  /** The secret for typing by hand: base32 in groups of four. */
  secret: string;
  issuer: string;
  label: string;
  /** The enrolment must be confirmed with a code before this time (ms). */
  expiresAt: number;
}

export interface BackupCodeSet {
  /** Shown once; only keyed hashes are kept. */
  codes: string[];
  /** The content of the downloadable text file. */
  text: string;
  createdAt: number;
}

/** A mail client that signed in with the account password recently: it will need an app password. */
export interface MailClientSeen {
  protocol: AppPasswordProtocol;
  /** IMAP ID name, SMTP EHLO name, or '' when the client gave none. */
  client: string;
  lastIp: string;
  lastLocation: string;
  lastSeenAt: number;
  logins: number;
  /** The name proposed for its app password. */
  suggestedName: string;
}

export interface EnabledTwoFactor {
  backupCodes: BackupCodeSet;
  /** Offer an app password scoped to each (createClientAppPassword). */
  mailClients: MailClientSeen[];
}

export interface BackupCodeStatus {
  total: number;
  remaining: number;
  createdAt: number | null;
  /** Remind the user to make a new set: BACKUP_CODES_LOW or fewer left, or older than backup_codes.rotate_days. */
  remind: boolean;
}

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: number | null;
  /** An enrolment was started and not yet confirmed (nor expired). */
  pending: boolean;
  backupCodes: BackupCodeStatus;
  requirement: TwoFactorRequirement;
}

export interface SecondFactorResult {
  method: 'totp' | 'backup_code';
  /** After a backup code: how many are left (the sign-in page says so). */
  backupCodesRemaining?: number;
  remindBackupCodes: boolean;
}


function suggestedName(protocol: string, client: string): string {
  const label = protocol === 'pop3' ? 'POP3' : protocol.toUpperCase();
  return client === '' ? `Mail client (${label})` : `${client.slice(0, 60)} (${label})`;
}

export class TwoFactor {
  readonly issuer: string;

  constructor(private readonly deps: TwoFactorDeps) {
    this.issuer = deps.issuer ?? 'Mailward';
  }

  async #account(accountId: number): Promise<Account> {
    const account = await accountRecords(this.deps.store).findById(accountId);
    if (!account) throw new MailwardError('NOT_FOUND', { message: `account ${accountId} does not exist` });
    return account;
  }

  async status(account: Account, options: { now?: number } = {}): Promise<TwoFactorStatus> {
    const now = options.now ?? this.deps.now();
    const row = await this.deps.store.twoFactor.findTotp(account.id);
    return {
      enabled: account.twoFactorEnabled,
      enabledAt: account.twoFactorEnabled ? (row?.enabled_at ?? null) : null,
      pending: row?.pending_sealed != null && now - (row.pending_created_at ?? 0) < ENROLMENT_TTL_MS,
      backupCodes: await this.backupCodeStatus(account, { now }),
      requirement: await this.requirement(account, { now }),
    };
  }

  async backupCodeStatus(account: Account, options: { now?: number } = {}): Promise<BackupCodeStatus> {
    const now = options.now ?? this.deps.now();
    const status = await this.deps.store.twoFactor.backupCodeStatus(account.id);
    if (!account.twoFactorEnabled) return { ...status, remind: false };
    const rotateDays = await this.deps.policies.get('backup_codes.rotate_days', { domain: accountDomain(account) });
    const old = rotateDays > 0 && status.createdAt !== null && now - status.createdAt > rotateDays * DAY_MS;
    return { ...status, remind: status.remaining <= BACKUP_CODES_LOW || old };
  }

  /** auth.require_2fa for this account (see twoFactorRequirement). */
  requirement(account: Account, options: { now?: number } = {}): Promise<TwoFactorRequirement> {
    return twoFactorRequirement(this.deps, account, options.now ?? this.deps.now());
  }

  /** Whether the web must send this account straight to enrolment after sign-in. */
  async mustEnroll2FA(account: Account, options: { now?: number } = {}): Promise<boolean> {
    return (await this.requirement(account, options)).mustEnroll;
  }

  /**
   * Starts an enrolment: a new secret (sealed, pending) and how to put it into an app. Nothing is
   * on until confirmEnrolment gets a valid code from it, which proves the app has the secret.
   * The account password is asked again: whoever holds only a stolen web session must not be able
   * to put a second factor of their own on the account and lock the owner out with it.
   */
  async beginEnrolment(options: { account: Account; password: string; by: Actor }): Promise<Enrolment> {
    const { account, by } = options;
    if (account.twoFactorEnabled) {
      throw new MailwardError('EXISTS', { message: 'two-factor sign-in is already on; turn it off first to use another app' });
    }
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const now = this.deps.now();
    const secret = generateTotpSecret();
    await this.deps.store.twoFactor.setPending(account.id, { sealed: sealTotpSecret(this.deps.key, { accountId: account.id, secret }), now });
    const uri = otpauthURI({ secret, issuer: this.issuer, label: account.address });
    return {
      uri,
      qrSVG: await qrCodeSVG(uri),
      secret: groupedSecret(secret),
      issuer: this.issuer,
      label: account.address,
      expiresAt: now + ENROLMENT_TTL_MS,
    };
  }

  /**
   * Confirms an enrolment with a code from the app and turns two-factor sign-in on: backup codes
   * are issued (shown once), and the mail clients that signed in with the password lately are
   * listed, since they now need app passwords.
   */
  async confirmEnrolment(options: { account: Account; code: string; by: Actor }): Promise<EnabledTwoFactor> {
    const { account, by } = options;
    const now = this.deps.now();
    const row = await this.deps.store.twoFactor.findTotp(account.id);
    const pending = row?.pending_sealed;
    if (account.twoFactorEnabled) throw new MailwardError('EXISTS', { message: 'two-factor sign-in is already on' });
    if (!pending || now - (row.pending_created_at ?? 0) >= ENROLMENT_TTL_MS) {
      throw new MailwardError('NOT_FOUND', { message: 'no two-factor enrolment in progress (or it expired): start again' });
    }
    const secret = openTotpSecret(this.deps.key, { accountId: account.id, sealed: pending });
    const step = await checkUnderCodeThrottle(this.deps, { account, ip: by.ip ?? '', now }, async () => matchTotp({ secret, code: options.code, now }));
    const codes = generateBackupCodes();
    const activated = await this.deps.store.transaction(async (repos) => {
      // The confirming code's step becomes the last one used: it cannot sign anyone in afterwards.
      if (!(await repos.twoFactor.activatePending(account.id, { pendingSealed: pending, step, now }))) return false;
      await accountRecords(repos).update(account.id, { twoFactorEnabled: true, updatedAt: now });
      await repos.twoFactor.replaceBackupCodes(account.id, { hashes: codes.map((code) => hashBackupCode(this.deps.key, { accountId: account.id, code })), now });
      return true;
    });
    if (!activated) throw new MailwardError('NOT_FOUND', { message: 'the enrolment changed meanwhile: start again' });
    await this.deps.audit.append({ actor: by.actor, action: 'two_factor.enabled', account, ip: by.ip });
    await this.deps.events.publish({ type: 'TwoFactorEnabled', at: now, accountId: account.id, address: account.address, actor: by.actor });
    return {
      backupCodes: { codes, text: backupCodesText({ address: account.address, issuer: this.issuer, codes, createdAt: now }), createdAt: now },
      mailClients: await this.mailClients(account, { now }),
    };
  }

  /**
   * The second factor: a TOTP code from the app (each accepted once: its time step must be later
   * than the last accepted one) or an unused backup code. OTP_FAILED when wrong or reused,
   * AUTH_THROTTLED after too many wrong ones.
   */
  async verify(options: { accountId: number; code: string; ip: string; now?: number; account?: Account }): Promise<SecondFactorResult> {
    const account = options.account ?? (await this.#account(options.accountId));
    const now = options.now ?? this.deps.now();
    const ip = canonicalIp(options.ip);
    const code = options.code.trim();
    return checkUnderCodeThrottle(this.deps, { account, ip, now }, async (): Promise<SecondFactorResult | undefined> => {
      if (!account.twoFactorEnabled) return undefined;
      if (/^\d+$/.test(normalizeTotpCode(code)) && normalizeTotpCode(code).length === TOTP_DIGITS) {
        const row = await this.deps.store.twoFactor.findTotp(account.id);
        if (!row?.secret_sealed) return undefined;
        const secret = openTotpSecret(this.deps.key, { accountId: account.id, sealed: row.secret_sealed });
        const step = matchTotp({ secret, code, now });
        // A conditional update, not a read-then-write: the same code sent twice at once is accepted once.
        if (step === undefined || step <= row.last_step || !(await this.deps.store.twoFactor.acceptStep(account.id, step))) return undefined;
        return { method: 'totp', remindBackupCodes: (await this.backupCodeStatus(account, { now })).remind };
      }
      if (!looksLikeBackupCode(code)) return undefined;
      const hash = hashBackupCode(this.deps.key, { accountId: account.id, code });
      if (!(await this.deps.store.twoFactor.useBackupCode(account.id, { hash, now, ip }))) return undefined;
      const status = await this.backupCodeStatus(account, { now });
      await this.deps.audit.append({ actor: `user:${account.address}`, action: 'backup_code.used', account, ip, details: { remaining: status.remaining } });
      await this.deps.events.publish({ type: 'BackupCodeUsed', at: now, accountId: account.id, address: account.address, ip, remaining: status.remaining });
      return { method: 'backup_code', backupCodesRemaining: status.remaining, remindBackupCodes: status.remind };
    });
  }

  /**
   * A new set of backup codes; the old set stops working at once. The password is asked again, as
   * the new codes are working second factors: a stolen session alone must not be able to mint them.
   */
  async regenerateBackupCodes(options: { account: Account; password: string; by: Actor }): Promise<BackupCodeSet> {
    const { account, by } = options;
    if (!account.twoFactorEnabled) throw new MailwardError('FORBIDDEN', { message: 'backup codes exist only with two-factor sign-in on' });
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const now = this.deps.now();
    const codes = generateBackupCodes();
    await this.deps.store.transaction((repos) =>
      repos.twoFactor.replaceBackupCodes(account.id, { hashes: codes.map((code) => hashBackupCode(this.deps.key, { accountId: account.id, code })), now }),
    );
    await this.deps.audit.append({ actor: by.actor, action: 'backup_codes.regenerated', account, ip: by.ip, details: { count: codes.length } });
    await this.deps.events.publish({ type: 'BackupCodesRegenerated', at: now, accountId: account.id, address: account.address, actor: by.actor, count: codes.length });
    return { codes, text: backupCodesText({ address: account.address, issuer: this.issuer, codes, createdAt: now }), createdAt: now };
  }

  /** The owner turns two-factor sign-in off: the password and a second factor, so a stolen session alone cannot. */
  async disable(options: { account: Account; password: string; code: string; by: Actor }): Promise<void> {
    const { account, by } = options;
    if (!account.twoFactorEnabled) throw new MailwardError('NOT_FOUND', { message: 'two-factor sign-in is not on' });
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    await this.verify({ accountId: account.id, account, code: options.code, ip: by.ip ?? '' });
    await this.#turnOff(account);
    await this.deps.audit.append({ actor: by.actor, action: 'two_factor.disabled', account, ip: by.ip });
    await this.deps.events.publish({ type: 'TwoFactorDisabled', at: this.deps.now(), accountId: account.id, address: account.address, actor: by.actor, how: 'user' });
  }

  /**
   * The admin's reset (`mailward user 2fa ADDRESS reset`) for a user who lost every factor: 2FA off,
   * secret and backup codes deleted, and every session signed out (whoever holds one may be the
   * reason for the reset).
   */
  async reset(options: { account: Account; by: Actor }): Promise<{ wasEnabled: boolean; backupCodesDeleted: number }> {
    const { account, by } = options;
    const wasEnabled = account.twoFactorEnabled;
    const backupCodesDeleted = await this.#turnOff(account);
    // The user lost their factors: passkeys go too, or a lost (or stolen) security key would still sign in.
    const passkeys = await this.deps.store.passkeys.listForAccount(account.id);
    for (const passkey of passkeys) await this.deps.store.passkeys.remove(account.id, passkey.id);
    await this.deps.audit.append({ actor: by.actor, action: 'two_factor.reset', account, ip: by.ip, details: { wasEnabled, passkeysDeleted: passkeys.length } });
    await this.deps.events.publish({ type: 'TwoFactorDisabled', at: this.deps.now(), accountId: account.id, address: account.address, actor: by.actor, how: 'admin_reset' });
    await this.deps.accountSecurity.revokeSessions({ account, by });
    return { wasEnabled, backupCodesDeleted };
  }

  async #turnOff(account: Account): Promise<number> {
    const now = this.deps.now();
    return this.deps.store.transaction(async (repos) => {
      await repos.twoFactor.deleteTotp(account.id);
      const deleted = await repos.twoFactor.deleteBackupCodes(account.id);
      // Trust means "skip the second factor": with none left, it is cleared, so turning 2FA on again starts afresh.
      await accountRecords(repos).update(account.id, { twoFactorEnabled: false, trustValidAfter: now, updatedAt: now });
      return deleted;
    });
  }

  /**
   * Reminds, once per set, every account whose backup codes are older than its domain's
   * backup_codes.rotate_days (0 = never): a BackupCodesAging event, which Alerts mails. Run
   * periodically by serve; the shared state remembers which sets were reminded, across nodes.
   */
  async remindAgingBackupCodes(options: { now?: number; batch?: number } = {}): Promise<number> {
    const now = options.now ?? this.deps.now();
    // The shortest rotation any domain could have is one day: nothing younger can be due.
    const candidates = await this.deps.store.twoFactor.agingBackupCodeSets({ before: now - DAY_MS, limit: options.batch ?? 1000 });
    let reminded = 0;
    for (const set of candidates) {
      const account = await accountRecords(this.deps.store).findById(set.accountId);
      if (!account) continue;
      const days = await this.deps.policies.get('backup_codes.rotate_days', { domain: accountDomain(account) });
      if (days === 0 || set.createdAt >= now - days * DAY_MS) continue;
      const key = `backup-codes-aging:${account.id}:${set.createdAt}`;
      const first = await this.deps.store.state.update<number>(key, now, (current) => ({ value: current ?? now, ttlMs: 400 * DAY_MS }));
      if (first !== now) continue;
      await this.deps.events.publish({ type: 'BackupCodesAging', at: now, accountId: account.id, address: account.address, createdAt: set.createdAt, remaining: set.remaining });
      reminded++;
    }
    return reminded;
  }

  /** Mail clients that signed in with the account password in the last 30 days (protocol, client, latest IP). */
  async mailClients(account: Account, options: { now?: number } = {}): Promise<MailClientSeen[]> {
    const now = options.now ?? this.deps.now();
    await this.deps.loginRecords.flush();
    const rows: MailClientRow[] = await this.deps.store.loginRecords.passwordClients({
      accountId: account.id,
      protocols: ['smtp', 'imap', 'pop3'],
      since: now - MAIL_CLIENT_WINDOW_MS,
    });
    return rows.map((row) => ({
      protocol: row.protocol as AppPasswordProtocol,
      client: row.client,
      lastIp: row.ip,
      lastLocation: row.location === '' ? 'Unknown' : row.location,
      lastSeenAt: row.lastSeenAt,
      logins: row.logins,
      suggestedName: suggestedName(row.protocol, row.client),
    }));
  }

  /** The app password offered for a listed mail client: scoped to the protocol it used. */
  async createClientAppPassword(options: {
    account: Account;
    client: Pick<MailClientSeen, 'protocol' | 'client'>;
    name?: string;
    by: Actor;
  }): Promise<{ appPassword: AppPasswordView; secret: string }> {
    return this.deps.appPasswords.create({
      account: options.account,
      name: options.name ?? suggestedName(options.client.protocol, options.client.client),
      protocols: [options.client.protocol],
      actor: options.by.actor,
      ...(options.by.ip !== undefined ? { ip: options.by.ip } : {}),
    });
  }
}

/** True for the errors a second-factor check answers with (for doors that map them). */
export function isSecondFactorError(error: unknown): error is MailwardError {
  return isMailwardError(error, 'OTP_FAILED') || isMailwardError(error, 'AUTH_THROTTLED');
}
