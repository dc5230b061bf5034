// The account's security settings: password change, personal security code, hint, mail services, disable/enable, revocation.
import type { Account, AccountService, PasswordHasher, PolicyService } from '../accounts/index.js';
import { accountRecords } from '../accounts/index.js';
import { normalizeAddress } from '../lib/index.js';
import { MailwardError } from '../errors/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { Repositories, Store } from '../store/index.js';
import type { Actor } from '../kernel/actor.js';
import type { AuditLog } from '../kernel/audit-log.js';
import { canonicalIp } from './gate/network.js';
import type { MailServices } from './gate/service-switch.js';
import { servicesOf } from './gate/service-switch.js';
import type { SessionRegistry } from './sessions/session-registry.js';
import type { Throttle, ThrottleLimits } from './gate/throttle.js';
import { throttleLimits } from './gate/throttle.js';


export interface AccountSecurityDeps {
  store: Pick<Store, 'accounts' | 'transaction'>;
  accounts: AccountService;
  hasher: PasswordHasher;
  policies: PolicyService;
  throttle: Throttle;
  audit: AuditLog;
  events: EventBus;
  now: () => number;
  /** This node's live sessions: the session making a password change is spared before the epochs move. */
  sessions?: Pick<SessionRegistry, 'spare'>;
}

export const SECURITY_CODE_MIN = 6;
export const SECURITY_CODE_MAX = 64;
export const PASSWORD_HINT_MAX = 100;

export class AccountSecurity {
  constructor(private readonly deps: AccountSecurityDeps) {}

  async #limits(account: Account): Promise<ThrottleLimits> {
    return throttleLimits(this.deps.policies, { domain: normalizeAddress(account.address).domain });
  }

  /**
   * Checks a secret the signed-in user re-enters (current password, security code) under the same
   * throttle as sign-in, so a stolen session cannot be used to guess either.
   */
  async #verifyThrottled(options: {
    account: Account;
    kind: 'password' | 'security_code';
    secret: string;
    ip: string;
    wrong: 'PASSWORD_WRONG' | 'SECURITY_CODE_WRONG';
  }): Promise<void> {
    const now = this.deps.now();
    const username = `${options.kind === 'password' ? '' : 'code:'}${options.account.address}`;
    const ip = canonicalIp(options.ip);
    const check = await this.deps.throttle.check({ username, ip, now, isKnownIp: async () => true });
    if (check.blocked) {
      throw new MailwardError('AUTH_THROTTLED', { details: { retryAfterSeconds: Math.ceil((check.blocked.retryAt - now) / 1000) } });
    }
    const ok =
      options.kind === 'password'
        ? await this.deps.accounts.verifyPassword(options.account, options.secret)
        : await this.deps.accounts.verifySecurityCode(options.account, options.secret);
    if (!ok) {
      await this.deps.throttle.recordFailure({ username, ip, now, limits: await this.#limits(options.account), countAccount: false });
      throw new MailwardError(options.wrong);
    }
    await this.deps.throttle.recordSuccess({ username, ip });
  }

  async #requireSecurityCode(account: Account, code: string | undefined, ip: string): Promise<void> {
    const domain = normalizeAddress(account.address).domain;
    if (!(await this.deps.policies.get('security_code.enabled', { domain }))) return;
    // The code guards changes only once the owner has set one (the checkup page says when it is missing).
    if (!account.hasSecurityCode) return;
    if (code === undefined || code === '') throw new MailwardError('SECURITY_CODE_REQUIRED');
    await this.#verifyThrottled({ account, kind: 'security_code', secret: code, ip, wrong: 'SECURITY_CODE_WRONG' });
  }

  /** Re-checks the account password for a sensitive change (turning two-factor off), under the sign-in throttle. */
  async verifyCurrentPassword(options: { account: Account; password: string; ip?: string }): Promise<void> {
    await this.#verifyThrottled({
      account: options.account,
      kind: 'password',
      secret: options.password,
      ip: options.ip ?? '',
      wrong: 'PASSWORD_WRONG',
    });
  }

  /** Whether changing the password or forwarding needs the personal security code now. */
  async securityCodeRequired(account: Account): Promise<boolean> {
    const domain = normalizeAddress(account.address).domain;
    return (await this.deps.policies.get('security_code.enabled', { domain })) && account.hasSecurityCode;
  }

  /** Gate for other code-protected changes (the auto-forwarding list). */
  async verifySecurityCode(options: { account: Account; code?: string; ip?: string }): Promise<void> {
    await this.#requireSecurityCode(options.account, options.code, options.ip ?? '');
  }

  /** The user's own change: current password, new one twice, and the security code when it is on. */
  async changePassword(options: {
    account: Account;
    current: string;
    next: string;
    confirm: string;
    securityCode?: string;
    by: Actor;
  }): Promise<Account> {
    const ip = options.by.ip ?? '';
    await this.#verifyThrottled({ account: options.account, kind: 'password', secret: options.current, ip, wrong: 'PASSWORD_WRONG' });
    await this.#requireSecurityCode(options.account, options.securityCode, ip);
    if (options.next !== options.confirm) throw new MailwardError('PASSWORD_MISMATCH');
    return this.#storePassword(options.account, options.next, options.by, 'password.changed');
  }

  /** The admin's path (`mailward user passwd`): no old password, same strength rules and revocation. */
  async setPasswordByAdmin(options: { address: string; password: string; by: Actor; mustChange?: boolean }): Promise<Account> {
    const account = await this.deps.accounts.getUser(options.address);
    return this.#storePassword(account, options.password, options.by, 'password.set_by_admin', { mustChange: options.mustChange === true });
  }

  /**
   * The forgotten-password path (PasswordReset, after a mailed link and the second factor): no old
   * password, the same strength rules, and — since whoever made the reset necessary may hold a
   * session — every session of the account ends (app-password ones too) and no device stays trusted.
   * `within` runs first in the same transaction (spending the link); when it throws, nothing is written.
   */
  async setPasswordByReset(options: { account: Account; password: string; by: Actor; within?: (tx: Repositories) => Promise<void> }): Promise<Account> {
    const by: Actor = { actor: options.by.actor, ...(options.by.ip !== undefined ? { ip: options.by.ip } : {}) };
    return this.#storePassword(options.account, options.password, by, 'password.reset', { endAllSessions: true, ...(options.within ? { within: options.within } : {}) });
  }

  /**
   * The new hash, the revocation epochs and the audit record are written in one transaction, so a
   * failure part-way leaves the old password in force and nothing recorded; the events follow the
   * commit, so nobody hears of a change that did not happen.
   */
  async #storePassword(
    account: Account,
    password: string,
    by: Actor,
    action: 'password.changed' | 'password.set_by_admin' | 'password.reset',
    options: { mustChange?: boolean; endAllSessions?: boolean; within?: (tx: Repositories) => Promise<void> } = {},
  ): Promise<Account> {
    await this.deps.accounts.checkNewPassword(account.address, password);
    const now = this.deps.now();
    // Before the write: a poll that reads the new epochs before the event arrives must not end it.
    if (by.sessionId) this.deps.sessions?.spare(by.sessionId, now);
    // Hashed before the transaction opens: SQLite holds its write lock until the commit.
    const passwordHash = await this.deps.hasher.hash(password);
    const updated = await this.deps.store.transaction(async (tx) => {
      await options.within?.(tx);
      const changed = await accountRecords(tx).update(account.id, {
        passwordHash,
        passwordChangedAt: now,
        mustChangePassword: options.mustChange === true,
        // Every session signed in with the old password ends (web sessions and mail clients alike,
        // except the session making the change); mail clients on app passwords stay signed in.
        passwordSessionsValidAfter: now,
        // Trusted devices ask for the second factor again: whoever changed the password may be the thief.
        trustValidAfter: now,
        ...(options.endAllSessions ? { sessionsValidAfter: now } : {}),
        updatedAt: now,
      });
      await this.deps.audit.append({ actor: by.actor, action, account, ip: by.ip }, { in: tx });
      return changed;
    });
    await this.deps.events.publish({ type: 'PasswordChanged', at: now, accountId: account.id, address: account.address, actor: by.actor });
    await this.deps.events.publish({
      type: 'SessionsRevoked',
      at: now,
      accountId: account.id,
      scope: 'password',
      ...(by.sessionId ? { exceptSessionId: by.sessionId } : {}),
    });
    if (options.endAllSessions) await this.deps.events.publish({ type: 'SessionsRevoked', at: now, accountId: account.id, scope: 'all' });
    return updated;
  }

  /** Sets or changes the personal security code; needs the account password. */
  async setSecurityCode(options: { account: Account; password: string; code: string; by: Actor }): Promise<void> {
    const ip = options.by.ip ?? '';
    await this.#verifyThrottled({ account: options.account, kind: 'password', secret: options.password, ip, wrong: 'PASSWORD_WRONG' });
    const length = [...options.code].length;
    if (length < SECURITY_CODE_MIN || length > SECURITY_CODE_MAX) {
      throw new MailwardError('INVALID_INPUT', { message: `security code: ${SECURITY_CODE_MIN} to ${SECURITY_CODE_MAX} characters` });
    }
    if (options.code === options.password) {
      throw new MailwardError('INVALID_INPUT', { message: 'security code: must differ from the password' });
    }
    const now = this.deps.now();
    await accountRecords(this.deps.store).update(options.account.id, { securityCodeHash: await this.deps.hasher.hash(options.code), updatedAt: now });
    await this.deps.audit.append({ actor: options.by.actor, action: 'security_code.set', account: options.account, ip });
    await this.deps.events.publish({ type: 'SecurityCodeChanged', at: now, accountId: options.account.id, address: options.account.address });
  }

  /** Sets the password hint (only where the admin allows hints); an empty hint removes it. */
  async setPasswordHint(options: { account: Account; hint: string; by: Actor }): Promise<void> {
    const domain = normalizeAddress(options.account.address).domain;
    if (!(await this.deps.policies.get('password.hints_enabled', { domain }))) {
      throw new MailwardError('FORBIDDEN', { message: 'password hints are turned off by the administrator' });
    }
    const hint = options.hint.trim().replace(/[\u0000-\u001f\u007f]/g, '');
    if ([...hint].length > PASSWORD_HINT_MAX) throw new MailwardError('TOO_BIG', { message: `password hint: at most ${PASSWORD_HINT_MAX} characters` });
    // A hint that gives the password away is no hint.
    if (hint !== '' && (await this.deps.accounts.verifyPassword(options.account, hint))) {
      throw new MailwardError('INVALID_INPUT', { message: 'password hint: must not be the password' });
    }
    await accountRecords(this.deps.store).update(options.account.id, { passwordHint: hint === '' ? null : hint, updatedAt: this.deps.now() });
    await this.deps.audit.append({ actor: options.by.actor, action: 'password.hint_changed', account: options.account, ip: options.by.ip, details: { set: hint !== '' } });
  }

  /** Opens or closes SMTP, IMAP and POP3 for the account; closing ends that protocol's live sessions. */
  async setServices(options: { account: Account; changes: Partial<MailServices>; by: Actor }): Promise<MailServices> {
    const before = servicesOf(options.account);
    const after = { ...before, ...options.changes };
    const now = this.deps.now();
    const updated = await accountRecords(this.deps.store).update(options.account.id, {
      smtpEnabled: after.smtp,
      imapEnabled: after.imap,
      pop3Enabled: after.pop3,
      updatedAt: now,
    });
    const result = servicesOf(updated);
    if (JSON.stringify(result) !== JSON.stringify(before)) {
      await this.deps.audit.append({ actor: options.by.actor, action: 'services.changed', account: options.account, ip: options.by.ip, details: { before, after: result } });
      await this.deps.events.publish({ type: 'ServicesChanged', at: now, accountId: options.account.id, address: options.account.address, services: result });
    }
    return result;
  }

  async disable(options: { address: string; reason: string; by: Actor }): Promise<Account> {
    const before = await this.deps.accounts.getUser(options.address);
    const account = await this.deps.accounts.disable(options.address, options.reason);
    await accountRecords(this.deps.store).update(account.id, { sessionsValidAfter: this.deps.now() });
    await this.deps.audit.append({
      actor: options.by.actor,
      action: 'account.disabled',
      account,
      ip: options.by.ip,
      details: { before: before.status, after: 'disabled', reason: account.disabledReason },
    });
    const now = this.deps.now();
    await this.deps.events.publish({ type: 'AccountDisabled', at: now, accountId: account.id, address: account.address, reason: account.disabledReason ?? '' });
    await this.deps.events.publish({ type: 'SessionsRevoked', at: now, accountId: account.id, scope: 'all' });
    return account;
  }

  async enable(options: { address: string; by: Actor }): Promise<Account> {
    const before = await this.deps.accounts.getUser(options.address);
    const account = await this.deps.accounts.enable(options.address);
    await this.deps.audit.append({
      actor: options.by.actor,
      action: 'account.enabled',
      account,
      ip: options.by.ip,
      details: { before: before.status, reason: before.disabledReason, after: 'active' },
    });
    await this.deps.events.publish({ type: 'AccountEnabled', at: this.deps.now(), accountId: account.id, address: account.address });
    return account;
  }

  /** Force logout: every session and live connection of the account ends (within a second on every node). */
  async revokeSessions(options: { account: Account; by: Actor }): Promise<void> {
    const now = this.deps.now();
    await accountRecords(this.deps.store).update(options.account.id, { sessionsValidAfter: now });
    await this.deps.audit.append({ actor: options.by.actor, action: 'sessions.revoked', account: options.account, ip: options.by.ip });
    await this.deps.events.publish({ type: 'SessionsRevoked', at: now, accountId: options.account.id, scope: 'all' });
  }
}
