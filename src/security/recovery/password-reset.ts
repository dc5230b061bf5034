// "Forgot password": a single-use link mailed to the account's verified alternate email, then a new password (and the second factor when two-factor sign-in is on).
import type { Account, AccountService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { normalizeAddress } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import { addToWindow } from '../../shared-state/index.js';
import type { PasswordResetTokenRow, Store } from '../../store/index.js';
import type { AccountSecurity } from '../account-security.js';
import type { AlternateEmail } from './alternate-email.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import { canonicalIp } from '../gate/network.js';
import { generateLinkToken, looksLikeLinkToken, recoveryLink, recoveryLinkBase, recoveryTokenHash, sameHash, utcTime } from './recovery-tokens.js';
import type { SecurityMailer } from '../../kernel/security-mailer.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { TwoFactor } from '../factors/two-factor.js';

/** A reset link works for 30 minutes and once. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
/** Where the web app takes the link's token (`#token=…`) and calls check and complete. */
export const PASSWORD_RESET_LINK_PATH = '/reset-password';
/** Requests per typed address per hour: nobody can bury an alternate mailbox under reset mails. */
export const RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 3;
/** Requests per client IP per hour, across addresses: one client cannot sweep a list of names. */
export const RESET_REQUESTS_PER_IP_PER_HOUR = 20;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export interface PasswordResetRequested {
  accepted: true;
  /** The one text the page shows, whatever happened behind it. */
  message: string;
}

/**
 * The only answer `request` gives (the same frozen object every time): an unknown address, a
 * disabled account, an account without a verified alternate email and one that was sent a link
 * are indistinguishable, so the form tells nobody which accounts exist or how they recover.
 */
export const PASSWORD_RESET_REQUESTED: Readonly<PasswordResetRequested> = Object.freeze({
  accepted: true,
  message:
    'If this address belongs to an account with a verified alternate email, a link to choose a new password has been sent there. ' +
    'It works for 30 minutes. If nothing arrives, contact your administrator.',
});

/** What must accompany the new password when the account has two-factor sign-in. */
export type ResetSecondFactor =
  /** A TOTP code from the authenticator app or a backup code (TwoFactor.verify: throttled, single use). */
  | { kind: 'code'; code: string }
  /** The route verified an assertion of one of this account's passkeys itself (the account check() named). */
  | { kind: 'passkey_verified' };

export type PasswordResetCheck =
  | { valid: false }
  | {
      valid: true;
      /** The account the link resets (the page may show it). */
      address: string;
      /** Two-factor sign-in is on: complete() needs a code or a verified passkey as well. */
      secondFactorRequired: boolean;
      expiresAt: number;
    };

export interface PasswordResetDeps {
  store: Pick<Store, 'accounts' | 'passwordResets' | 'state'>;
  accounts: Pick<AccountService, 'checkNewPassword'>;
  accountSecurity: Pick<AccountSecurity, 'setPasswordByReset'>;
  twoFactor: Pick<TwoFactor, 'verify'>;
  alternateEmail: Pick<AlternateEmail, 'verifiedAddress'>;
  mailer: SecurityMailer;
  audit: AuditLog;
  key: ServerKey;
  now: () => number;
  /** Failures of the mailing done after `request` answered (logged; never shown to the requester). */
  onError?: (error: unknown) => void;
}

function invalidLink(): MailwardError {
  return new MailwardError('NOT_FOUND', { message: 'This password reset link is not valid or has expired. Ask for a new one.' });
}

/** The throttle key for a typed name: the normalised address, or the raw text cut short (non-addresses count too). */
function nameKey(typed: string): { key: string; valid: boolean } {
  try {
    return { key: normalizeAddress(typed).address, valid: true };
  } catch {
    return { key: typed.trim().toLowerCase().slice(0, 320), valid: false };
  }
}

/**
 * Self-service recovery of a forgotten password. The administrator's path for users without a
 * verified alternate email (or who lost it too) is `mailward user passwd ADDRESS`, which sets a
 * password under the same strength rules and revokes the sessions signed in with the old one
 * (and `mailward user 2fa ADDRESS reset` when the second factor is lost as well).
 */
export class PasswordReset {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly deps: PasswordResetDeps) {}

  /**
   * "Forgot password". Answers PASSWORD_RESET_REQUESTED in every case; only an active account
   * with a verified alternate email is mailed a link. The same two lookups run for every name, and
   * the token and the mail are made after the answer, so the time taken does not tell either.
   * Throttled per client IP and per typed name (existing or not) with LIMIT. `baseUrl` comes from
   * the configuration, never from the request (see recoveryLink).
   */
  async request(options: { address: string; ip: string; baseUrl: string }): Promise<PasswordResetRequested> {
    const now = this.deps.now();
    const ip = canonicalIp(options.ip);
    const base = recoveryLinkBase(options.baseUrl);
    const name = nameKey(options.address);
    await this.#limit({ key: `password-reset:ip:${ip}`, max: RESET_REQUESTS_PER_IP_PER_HOUR, now });
    await this.#limit({ key: `password-reset:name:${name.key}`, max: RESET_REQUESTS_PER_ADDRESS_PER_HOUR, now });
    const account = name.valid ? await accountRecords(this.deps.store).findByAddress(name.key) : undefined;
    const alternate = await this.deps.alternateEmail.verifiedAddress(account?.id ?? 0);
    if (account && account.status === 'active' && alternate !== null) {
      this.#inBackground(this.#issue({ account, alternate, base, ip, now }));
    }
    return PASSWORD_RESET_REQUESTED;
  }

  /** Whether a link still works, and whether finishing needs a second factor (the page asks for it up front). */
  async check(token: string): Promise<PasswordResetCheck> {
    const found = await this.#find(token, this.deps.now());
    if (!found) return { valid: false };
    return { valid: true, address: found.account.address, secondFactorRequired: found.account.twoFactorEnabled, expiresAt: found.row.expires_at };
  }

  /**
   * Sets the new password. The strength rules are checked before anything is spent (a weak
   * password does not burn the link or a code); then the second factor, when two-factor sign-in is
   * on (a mailbox alone must not be enough to take over an account that has one); then the token
   * is consumed in one conditional update, in the transaction that writes the password, so of two
   * requests with one link only one resets and a failed write spends nothing. Every session of the
   * account ends and device trust is cleared (AccountSecurity.setPasswordByReset); the
   * PasswordChanged event makes Alerts tell the INBOX and the alternate email.
   */
  async complete(options: { token: string; newPassword: string; secondFactor?: ResetSecondFactor; ip?: string }): Promise<{ address: string }> {
    const now = this.deps.now();
    const ip = canonicalIp(options.ip ?? '');
    const found = await this.#find(options.token, now);
    if (!found) throw invalidLink();
    const { account, hash } = found;
    await this.deps.accounts.checkNewPassword(account.address, options.newPassword);
    if (account.twoFactorEnabled) {
      const factor = options.secondFactor;
      if (!factor) throw new MailwardError('OTP_REQUIRED');
      if (factor.kind === 'code') await this.deps.twoFactor.verify({ accountId: account.id, account, code: factor.code, ip, now });
    }
    await this.deps.accountSecurity.setPasswordByReset({
      account,
      password: options.newPassword,
      by: { actor: `user:${account.address}`, ip },
      // The link is spent in the transaction that sets the password: a failed write leaves it usable.
      within: async (tx) => {
        if (!(await tx.passwordResets.consume(hash, { accountId: account.id, now }))) throw invalidLink();
        // Other links still in the mailbox stop working too (they would anyway: they predate this password).
        await tx.passwordResets.voidForAccount(account.id, { now });
      },
    });
    return { address: account.address };
  }

  /** Resolves when the mail of every request answered so far has been sent (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #find(token: string, now: number): Promise<{ row: PasswordResetTokenRow; account: Account; hash: string } | undefined> {
    if (!looksLikeLinkToken(token)) return undefined;
    const hash = recoveryTokenHash(this.deps.key, { label: 'password-reset', text: token });
    const row = await this.deps.store.passwordResets.find(hash);
    if (!row || !sameHash(hash, row.token_hash) || row.used_at !== null || row.expires_at <= now) return undefined;
    const account = await accountRecords(this.deps.store).findById(row.account_id);
    // A password set since the link was mailed (by the owner, an admin or another link) voids it,
    // as does a disabled account.
    if (!account || account.status !== 'active' || account.passwordChangedAt > row.created_at) return undefined;
    return { row, account, hash };
  }

  async #limit(options: { key: string; max: number; now: number }): Promise<void> {
    const count = await addToWindow(this.deps.store.state, { key: options.key, spanMs: HOUR_MS, now: options.now });
    if (count > options.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((HOUR_MS - (options.now % HOUR_MS)) / 1000));
      throw new MailwardError('LIMIT', { message: 'Too many password reset requests. Please try again later.', details: { retryAfterSeconds } });
    }
  }

  async #issue(options: { account: Account; alternate: string; base: string; ip: string; now: number }): Promise<void> {
    const { account, alternate, ip, now } = options;
    const token = generateLinkToken();
    const expiresAt = now + PASSWORD_RESET_TTL_MS;
    await this.deps.store.passwordResets.insert({
      tokenHash: recoveryTokenHash(this.deps.key, { label: 'password-reset', text: token }),
      accountId: account.id,
      createdAt: now,
      expiresAt,
      ip,
    });
    await this.deps.mailer.send({
      to: alternate,
      subject: `Reset the password of ${account.address}`,
      text: [
        `Someone (hopefully you) asked to reset the password of the mail account ${account.address}${ip ? ` from IP address ${ip}` : ''}.`,
        '',
        'To choose a new password, open this link:',
        recoveryLink(options.base, { path: PASSWORD_RESET_LINK_PATH, token }),
        '',
        `The link works once, until ${utcTime(expiresAt)}.`,
        ...(account.twoFactorEnabled ? ['You will also need a code from your authenticator app, a backup code or your passkey.'] : []),
        'Every device signed in to the account will be signed out.',
        '',
        'If you did not ask for this, ignore this message: your password stays as it is, and nobody can use the link without access to this mailbox.',
        '',
      ].join('\n'),
    });
    await this.deps.audit.append({ actor: 'anonymous', action: 'password.reset_requested', account, ip, details: { sentTo: alternate } });
    await this.deps.store.passwordResets.prune(now - DAY_MS);
  }

  #inBackground(work: Promise<void>): void {
    const tracked: Promise<void> = work
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.#pending.delete(tracked);
      });
    this.#pending.add(tracked);
  }
}
