// The alternate email: one verified address outside the account, for "Forgot password" and security notices; proven by a mailed code or link.
import type { Account, AccountService, PolicyService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { normalizeAddress } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { EventBus } from '../../shared-state/index.js';
import { addToWindow } from '../../shared-state/index.js';
import type { AlternateEmailRow, Store } from '../../store/index.js';
import type { AccountSecurity } from '../account-security.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import { canonicalIp } from '../gate/network.js';
import {
  generateLinkToken,
  generateVerificationCode,
  looksLikeLinkToken,
  normalizeVerificationCode,
  recoveryLink,
  recoveryTokenHash,
  sameHash,
  utcTime,
} from './recovery-tokens.js';
import type { SecurityMailer } from '../../kernel/security-mailer.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { Throttle } from '../gate/throttle.js';
import { throttleLimits } from '../gate/throttle.js';

/** A code or link works for 30 minutes: long enough to switch to another mailbox, short for a forgotten tab. */
export const ALTERNATE_EMAIL_TTL_MS = 30 * 60_000;
/**
 * Wrong codes that void a pending verification. With 10^8 codes, five guesses per mailed code
 * (and ALTERNATE_EMAIL_MAILS_PER_HOUR mails) leave a thief with a stolen session no real chance,
 * whatever the sign-in throttle would still allow.
 */
export const ALTERNATE_EMAIL_MAX_ATTEMPTS = 5;
/** Verification mails per account per hour: the form must not become a way to mail strangers at will. */
export const ALTERNATE_EMAIL_MAILS_PER_HOUR = 5;
/** Where the web app takes the link's token (`#token=…`) and calls verifyLink. */
export const ALTERNATE_EMAIL_LINK_PATH = '/verify-alternate-email';

const HOUR_MS = 3600_000;

export interface AlternateEmailDeps {
  store: Pick<Store, 'accounts' | 'alternateEmails' | 'state'>;
  accounts: Pick<AccountService, 'resolve'>;
  accountSecurity: Pick<AccountSecurity, 'verifyCurrentPassword'>;
  policies: PolicyService;
  throttle: Throttle;
  mailer: SecurityMailer;
  audit: AuditLog;
  events: EventBus;
  key: ServerKey;
  now: () => number;
}

export interface AlternateEmailStatus {
  /** The verified address: the only one recovery and alerts use. */
  address: string | null;
  verifiedAt: number | null;
  /** An address being verified, and until when its code and link work. */
  pending: { address: string; expiresAt: number } | null;
}

function statusOf(row: AlternateEmailRow | undefined, now: number): AlternateEmailStatus {
  const pendingLive = row?.pending_address != null && row.pending_expires_at !== null && row.pending_expires_at > now;
  return {
    address: row?.address ?? null,
    verifiedAt: row?.address ? row.verified_at : null,
    pending: pendingLive ? { address: row.pending_address!, expiresAt: row.pending_expires_at! } : null,
  };
}

function notWaiting(): MailwardError {
  return new MailwardError('NOT_FOUND', { message: 'no alternate email is waiting for verification (or its code expired): add it again' });
}

export class AlternateEmail {
  constructor(private readonly deps: AlternateEmailDeps) {}

  async status(account: Pick<Account, 'id'>, options: { now?: number } = {}): Promise<AlternateEmailStatus> {
    return statusOf(await this.deps.store.alternateEmails.find(account.id), options.now ?? this.deps.now());
  }

  /** The verified alternate address, or null: an unverified one is never mailed a reset link or an alert. */
  async verifiedAddress(accountId: number): Promise<string | null> {
    const row = await this.deps.store.alternateEmails.find(accountId);
    return row?.address && row.verified_at !== null ? row.address : null;
  }

  /**
   * Adds or changes the alternate email: the account password first (a stolen session alone must
   * not redirect recovery to the thief), then a code and a link are mailed to the new address.
   * Until one of them comes back, the address does not count and the previous verified one (if
   * any) stays in force.
   */
  async add(options: { account: Account; address: string; password: string; baseUrl: string; by: Actor }): Promise<{ address: string; expiresAt: number }> {
    const { account, by } = options;
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const address = normalizeAddress(options.address).address;
    // Recovery through the account's own mailbox recovers nothing: its addresses and aliases are refused.
    const local = await this.deps.accounts.resolve(address);
    if (local?.id === account.id) {
      throw new MailwardError('INVALID_INPUT', { message: 'alternate email: use an address outside this account (not its own address or an alias)' });
    }
    const row = await this.deps.store.alternateEmails.find(account.id);
    if (row?.address === address) throw new MailwardError('EXISTS', { message: 'alternate email: this address is already verified' });

    const now = this.deps.now();
    const sent = await addToWindow(this.deps.store.state, { key: `alternate-email:mail:${account.id}`, spanMs: HOUR_MS, now });
    if (sent > ALTERNATE_EMAIL_MAILS_PER_HOUR) {
      const retryAfterSeconds = Math.max(1, Math.ceil((HOUR_MS - (now % HOUR_MS)) / 1000));
      throw new MailwardError('LIMIT', { message: 'alternate email: too many verification mails; try again later', details: { retryAfterSeconds } });
    }
    const code = generateVerificationCode();
    const token = generateLinkToken();
    const expiresAt = now + ALTERNATE_EMAIL_TTL_MS;
    const link = recoveryLink(options.baseUrl, { path: ALTERNATE_EMAIL_LINK_PATH, token });
    // Stored before the mail leaves, so a code that arrives at once already works.
    await this.deps.store.alternateEmails.setPending(account.id, {
      address,
      codeHash: recoveryTokenHash(this.deps.key, { label: 'alternate-email-code', accountId: account.id, text: code }),
      linkHash: recoveryTokenHash(this.deps.key, { label: 'alternate-email-link', text: token }),
      expiresAt,
      now,
    });
    await this.deps.mailer.send({
      to: address,
      subject: `Confirm your alternate email for ${account.address}`,
      text: [
        `Someone (hopefully you) asked to use this address as the alternate email of the mail account ${account.address}.`,
        'It will receive password reset links and security notices for that account.',
        '',
        `Verification code: ${code}`,
        '',
        'Or open this link:',
        link,
        '',
        `The code and the link work once, until ${utcTime(expiresAt)}.`,
        '',
        'If you did not ask for this, ignore this message: the address is used only once the code or the link is.',
        '',
      ].join('\n'),
    });
    await this.deps.audit.append({ actor: by.actor, action: 'alternate_email.requested', account, ip: by.ip, details: { address } });
    return { address, expiresAt };
  }

  /**
   * The code typed in the settings page. Wrong codes count under the sign-in throttle (its own name
   * key) and against the pending verification, which ALTERNATE_EMAIL_MAX_ATTEMPTS wrong ones void.
   */
  async verifyCode(options: { account: Account; code: string; by: Actor }): Promise<AlternateEmailStatus> {
    const { account, by } = options;
    const now = this.deps.now();
    const username = `alternate-email:${account.address}`;
    const ip = canonicalIp(by.ip ?? '');
    const check = await this.deps.throttle.check({ username, ip, now, isKnownIp: async () => true });
    if (check.blocked) {
      throw new MailwardError('AUTH_THROTTLED', { details: { retryAfterSeconds: Math.max(1, Math.ceil((check.blocked.retryAt - now) / 1000)) } });
    }
    const row = await this.deps.store.alternateEmails.find(account.id);
    if (!row?.pending_link_hash || row.pending_expires_at === null || row.pending_expires_at <= now) throw notWaiting();
    const hash = recoveryTokenHash(this.deps.key, { label: 'alternate-email-code', accountId: account.id, text: normalizeVerificationCode(options.code) });
    if (!sameHash(hash, row.pending_code_hash)) {
      const attempts = await this.deps.store.alternateEmails.countWrongCode(account.id, { linkHash: row.pending_link_hash });
      if (attempts >= ALTERNATE_EMAIL_MAX_ATTEMPTS) await this.deps.store.alternateEmails.clearPending(account.id, { now });
      const limits = await throttleLimits(this.deps.policies, { domain: normalizeAddress(account.address).domain });
      await this.deps.throttle.recordFailure({ username, ip, now, limits, countAccount: false });
      throw new MailwardError('OTP_FAILED', { message: 'The verification code is not valid.' });
    }
    const promoted = await this.deps.store.alternateEmails.promotePending(account.id, { linkHash: row.pending_link_hash, now });
    if (!promoted) throw notWaiting();
    await this.deps.throttle.recordSuccess({ username, ip });
    await this.#verified(account, { row: promoted, previous: row.address, by, now });
    return statusOf(promoted, now);
  }

  /**
   * The mailed link, opened in any browser (signed in or not): the 256-bit token alone proves the
   * mailbox, so no throttle is needed. Returns the account and the address now verified.
   */
  async verifyLink(options: { token: string; ip?: string }): Promise<{ account: string; address: string }> {
    const now = this.deps.now();
    if (!looksLikeLinkToken(options.token)) throw notWaiting();
    const hash = recoveryTokenHash(this.deps.key, { label: 'alternate-email-link', text: options.token });
    const row = await this.deps.store.alternateEmails.findByLinkHash(hash);
    if (!row || !sameHash(hash, row.pending_link_hash) || row.pending_expires_at === null || row.pending_expires_at <= now) throw notWaiting();
    const account = await accountRecords(this.deps.store).findById(row.account_id);
    if (!account) throw notWaiting();
    const promoted = await this.deps.store.alternateEmails.promotePending(account.id, { linkHash: hash, now });
    if (!promoted?.address) throw notWaiting();
    const by: Actor = { actor: `user:${account.address}`, ...(options.ip !== undefined ? { ip: options.ip } : {}) };
    await this.#verified(account, { row: promoted, previous: row.address, by, now });
    return { account: account.address, address: promoted.address };
  }

  /** Drops an address still being verified (the verified one, if any, stays); nothing that counts changes, so no password. */
  async cancel(options: { account: Account }): Promise<void> {
    await this.deps.store.alternateEmails.clearPending(options.account.id, { now: this.deps.now() });
  }

  /** Removes the alternate email (verified and pending); needs the account password, as adding does. */
  async remove(options: { account: Account; password: string; by: Actor }): Promise<void> {
    const { account, by } = options;
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const row = await this.deps.store.alternateEmails.find(account.id);
    if (!row || !(await this.deps.store.alternateEmails.remove(account.id))) {
      throw new MailwardError('NOT_FOUND', { message: 'alternate email: none is set' });
    }
    await this.deps.audit.append({ actor: by.actor, action: 'alternate_email.removed', account, ip: by.ip, details: { address: row.address } });
    if (row.address) {
      await this.deps.events.publish({
        type: 'AlternateEmailChanged',
        at: this.deps.now(),
        accountId: account.id,
        address: account.address,
        alternate: null,
        previous: row.address,
        actor: by.actor,
      });
    }
  }

  async #verified(account: Account, options: { row: AlternateEmailRow; previous: string | null; by: Actor; now: number }): Promise<void> {
    const { row, by } = options;
    const previous = options.previous !== null && options.previous !== row.address ? options.previous : null;
    await this.deps.audit.append({ actor: by.actor, action: 'alternate_email.verified', account, ip: by.ip, details: { address: row.address, previous } });
    await this.deps.events.publish({
      type: 'AlternateEmailChanged',
      at: options.now,
      accountId: account.id,
      address: account.address,
      alternate: row.address,
      previous,
      actor: by.actor,
    });
  }
}
