// Web sign-in and server-side web sessions: password, then the second factor unless the device is trusted; idle and absolute timeouts, rotation, CSRF tokens.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { accountDomain } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { DeviceRow, Store, WebSessionRow } from '../../store/index.js';
import type { LoginRecords } from '../gate/login-records.js';
import type { AuthFailureCode, AuthenticateInput, AuthenticateResult, Authenticator } from '../gate/authenticate.js';
import { canonicalIp } from '../gate/network.js';
import type { Devices } from './devices.js';
import { describeUserAgent } from './devices.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { SecondFactorResult, TwoFactor } from '../factors/two-factor.js';

const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** The second step must follow the password within this time. */
export const PENDING_SIGN_IN_MS = 5 * 60_000;
/** Wrong codes one pending sign-in may take before the password must be given again. */
const PENDING_ATTEMPTS = 5;
/** last_active_at is written at most this often: the idle timeout does not need a write per request. */
const TOUCH_EVERY_MS = 15_000;

export type SecondFactorMethod = 'totp' | 'backup_code' | 'passkey';

export interface SignedIn {
  kind: 'signed_in';
  account: Account;
  /** The session cookie's value: shown to the browser once, stored only as a hash. */
  sessionToken: string;
  csrfToken: string;
  deviceId: string;
  /** A new browser's device cookie value, to set with the session. */
  newDeviceToken?: string;
  mustChangePassword: boolean;
  /** How the sign-in was completed beyond the password. */
  secondFactor?: SecondFactorResult['method'] | 'passkey' | 'trusted_device';
  backupCodesRemaining?: number;
  remindBackupCodes?: boolean;
}

export interface SecondFactorNeeded {
  kind: 'second_factor';
  /** Names the half-done sign-in for the second step; good for a few minutes and a few tries. */
  pendingToken: string;
  methods: SecondFactorMethod[];
  newDeviceToken?: string;
}

export interface SignInFailed {
  kind: 'failed';
  code: AuthFailureCode;
  message: string;
  retryAfterSeconds?: number;
  hint?: string;
}

export type SignInOutcome = SignedIn | SecondFactorNeeded | SignInFailed;

/** A request's live session: who, from which device, and the CSRF token that must come with changes. */
export interface WebSession {
  token: string;
  row: WebSessionRow;
  account: Account;
  device: DeviceRow;
  csrfToken: string;
}

interface Pending {
  accountId: number;
  deviceId: string;
  authenticatedAt: number;
  mustChangePassword: boolean;
  attempts: number;
}

export interface WebSessionsDeps {
  store: Pick<Store, 'accounts' | 'devices' | 'state'>;
  policies: PolicyService;
  key: ServerKey;
  devices: Devices;
  twoFactor: Pick<TwoFactor, 'verify'>;
  authenticate(input: AuthenticateInput): Promise<AuthenticateResult>;
  /** Whether the account has passkeys (offered as a second factor). */
  hasPasskeys?: (accountId: number) => Promise<boolean>;
  loginRecords: Pick<LoginRecords, 'add'>;
  /** Authenticator.recordSuccess: the device, login record and event of a sign-in. */
  recordSuccess: Authenticator['recordSuccess'];
  now: () => number;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}


export class WebSessions {
  constructor(private readonly deps: WebSessionsDeps) {}

  /** The CSRF token of a session: derived (keyed hash), so nothing more is stored and it dies with the session. */
  csrfTokenOf(sessionToken: string): string {
    return this.deps.key.mac('csrf', sessionToken);
  }

  /** Constant-time check of a request's CSRF token against its session. */
  checkCsrf(session: WebSession, presented: string | undefined): boolean {
    if (presented === undefined) return false;
    const expected = Buffer.from(session.csrfToken);
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Step one: address and password (through authenticate(), protocol web). */
  async signIn(input: { username: string; password: string; ip: string; userAgent: string; deviceToken?: string; tls: boolean }): Promise<SignInOutcome> {
    const result = await this.deps.authenticate({
      protocol: 'web',
      username: input.username,
      secret: input.password,
      remoteIp: input.ip,
      client: describeUserAgent(input.userAgent).browser,
      tls: input.tls,
      userAgent: input.userAgent,
      ...(input.deviceToken !== undefined ? { deviceToken: input.deviceToken } : {}),
    });
    if (!result.ok) {
      return {
        kind: 'failed',
        code: result.code,
        message: result.message,
        ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
        ...(result.hint !== undefined ? { hint: result.hint } : {}),
      };
    }
    if (!result.device) throw new MailwardError('INTERNAL', { message: 'web sign-in without a device' });
    const { device, newToken: newDeviceToken } = result.device;
    const extra = newDeviceToken !== undefined ? { newDeviceToken } : {};
    if (result.secondFactorRequired) {
      if (await this.deps.devices.isTrusted(result.account, device)) {
        const session = await this.#create({ account: result.account, deviceId: device.id, authenticatedAt: result.authenticatedAt, ip: input.ip });
        return { ...session, ...extra, mustChangePassword: result.mustChangePassword, secondFactor: 'trusted_device' };
      }
      const pendingToken = newToken();
      const pending: Pending = {
        accountId: result.account.id,
        deviceId: device.id,
        authenticatedAt: result.authenticatedAt,
        mustChangePassword: result.mustChangePassword,
        attempts: 0,
      };
      await this.deps.store.state.update<Pending>(`signin:${hashToken(pendingToken)}`, this.deps.now(), () => ({ value: pending, ttlMs: PENDING_SIGN_IN_MS }));
      const methods: SecondFactorMethod[] = ['totp', 'backup_code'];
      if (await this.deps.hasPasskeys?.(result.account.id)) methods.push('passkey');
      return { kind: 'second_factor', pendingToken, methods, ...extra };
    }
    const session = await this.#create({ account: result.account, deviceId: device.id, authenticatedAt: result.authenticatedAt, ip: input.ip });
    return { ...session, ...extra, mustChangePassword: result.mustChangePassword };
  }

  /**
   * A password-less sign-in with a passkey the caller has verified (user verification required):
   * possession of the authenticator plus the PIN or biometrics behind it is two factors in one, so
   * no second step follows. The account's own rules still apply, and it is recorded as any sign-in.
   */
  async passkeySignIn(input: { accountId: number; ip: string; userAgent: string; deviceToken?: string }): Promise<SignedIn & { newDeviceToken?: string }> {
    const now = this.deps.now();
    const ip = canonicalIp(input.ip);
    const account = await accountRecords(this.deps.store).findById(input.accountId);
    if (!account) throw new MailwardError('AUTH_FAILED');
    const client = describeUserAgent(input.userAgent).browser;
    if (account.status !== 'active') {
      this.deps.loginRecords.add({ time: now, accountId: account.id, username: account.address, protocol: 'web', ip, client, credential: 'passkey', result: 'failure', reason: 'account_disabled' });
      throw new MailwardError('ACCOUNT_DISABLED', { message: 'Your account is disabled. Please contact your administrator to restore it.' });
    }
    const seen = await this.deps.recordSuccess({
      account,
      protocol: 'web',
      ip,
      client,
      credential: 'passkey',
      now,
      userAgent: input.userAgent,
      secondFactor: 'passkey',
      ...(input.deviceToken !== undefined ? { deviceToken: input.deviceToken } : {}),
    });
    if (!seen) throw new MailwardError('INTERNAL', { message: 'web sign-in without a device' });
    const session = await this.#create({ account, deviceId: seen.device.id, authenticatedAt: now, ip });
    return { ...session, mustChangePassword: account.mustChangePassword, secondFactor: 'passkey', ...(seen.newToken !== undefined ? { newDeviceToken: seen.newToken } : {}) };
  }

  /** The account a pending sign-in is for (the passkey step needs it to ask for that account's passkeys). */
  async pendingAccount(pendingToken: string): Promise<Account> {
    const pending = await this.#pending(pendingToken);
    const account = await accountRecords(this.deps.store).findById(pending.accountId);
    if (!account || account.status !== 'active') throw new MailwardError('SIGN_IN_REQUIRED');
    return account;
  }

  /**
   * Step two: a TOTP or backup code (TwoFactor.verify throttles and refuses replays). "This is my
   * trusted device" trusts the device from now on. The pending sign-in is used up by success, or
   * after a few wrong codes, so the password must be given again.
   */
  async secondFactor(input: { pendingToken: string; code: string; trustDevice: boolean; ip: string }): Promise<SignedIn> {
    const pending = await this.#pending(input.pendingToken);
    const account = await this.pendingAccount(input.pendingToken);
    let verified: SecondFactorResult;
    try {
      verified = await this.deps.twoFactor.verify({ accountId: account.id, account, code: input.code, ip: input.ip });
    } catch (error) {
      await this.#countAttempt(input.pendingToken);
      throw error;
    }
    return this.#completePending(input.pendingToken, pending, account, { trustDevice: input.trustDevice, ip: input.ip, verified });
  }

  /** Step two done with a passkey the caller has verified for the pending account. */
  async passkeyVerified(input: { pendingToken: string; accountId: number; trustDevice: boolean; ip: string }): Promise<SignedIn> {
    const pending = await this.#pending(input.pendingToken);
    const account = await this.pendingAccount(input.pendingToken);
    if (account.id !== input.accountId) throw new MailwardError('AUTH_FAILED');
    return this.#completePending(input.pendingToken, pending, account, { trustDevice: input.trustDevice, ip: input.ip, verified: { method: 'passkey' } });
  }

  async #completePending(
    pendingToken: string,
    pending: Pending,
    account: Account,
    options: { trustDevice: boolean; ip: string; verified: SecondFactorResult | { method: 'passkey' } },
  ): Promise<SignedIn> {
    // Used once: deleting it first means two requests racing with two good codes get one session.
    const key = `signin:${hashToken(pendingToken)}`;
    if ((await this.deps.store.state.get<Pending>(key, this.deps.now())) === undefined) throw new MailwardError('SIGN_IN_REQUIRED');
    await this.deps.store.state.delete(key);
    if (options.trustDevice) await this.deps.devices.trust({ account, deviceId: pending.deviceId, by: { actor: `user:${account.address}`, ip: options.ip } });
    const session = await this.#create({ account, deviceId: pending.deviceId, authenticatedAt: pending.authenticatedAt, ip: options.ip });
    const { verified } = options;
    return {
      ...session,
      mustChangePassword: pending.mustChangePassword,
      secondFactor: verified.method,
      ...('backupCodesRemaining' in verified && verified.backupCodesRemaining !== undefined ? { backupCodesRemaining: verified.backupCodesRemaining } : {}),
      ...('remindBackupCodes' in verified ? { remindBackupCodes: verified.remindBackupCodes } : {}),
    };
  }

  async #pending(pendingToken: string): Promise<Pending> {
    const pending = TOKEN.test(pendingToken) ? await this.deps.store.state.get<Pending>(`signin:${hashToken(pendingToken)}`, this.deps.now()) : undefined;
    if (!pending) throw new MailwardError('SIGN_IN_REQUIRED', { message: 'The sign-in has expired. Please enter your password again.' });
    return pending;
  }

  async #countAttempt(pendingToken: string): Promise<void> {
    const now = this.deps.now();
    await this.deps.store.state.update<Pending>(`signin:${hashToken(pendingToken)}`, now, (current) => {
      if (!current || current.attempts + 1 >= PENDING_ATTEMPTS) return undefined;
      return { value: { ...current, attempts: current.attempts + 1 }, ttlMs: PENDING_SIGN_IN_MS };
    });
  }

  async #create(options: { account: Account; deviceId: string; authenticatedAt: number; ip: string; createdAt?: number }): Promise<Omit<SignedIn, 'mustChangePassword'>> {
    const sessionToken = newToken();
    await this.deps.store.devices.createSession({
      idHash: hashToken(sessionToken),
      accountId: options.account.id,
      deviceId: options.deviceId,
      now: this.deps.now(),
      authenticatedAt: options.authenticatedAt,
      ip: options.ip,
      ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
    });
    return { kind: 'signed_in', account: options.account, sessionToken, csrfToken: this.csrfTokenOf(sessionToken), deviceId: options.deviceId };
  }

  /**
   * The session of a request, checked on every request: ended, idle past `session.idle_minutes`,
   * older than `session.max_hours`, account disabled, or revoked (force logout, password change,
   * admin) each end it. SESSION_TIMED_OUT lets the web say "Operation timed out" and keep the draft.
   */
  async resume(sessionToken: string | undefined, options: { renew?: boolean } = {}): Promise<WebSession> {
    if (sessionToken === undefined || !TOKEN.test(sessionToken)) throw new MailwardError('SIGN_IN_REQUIRED');
    const idHash = hashToken(sessionToken);
    const row = await this.deps.store.devices.findSession(idHash);
    if (!row) throw new MailwardError('SIGN_IN_REQUIRED');
    if (row.ended_at !== null) throw new MailwardError(row.end_reason === 'timed_out' ? 'SESSION_TIMED_OUT' : 'SIGN_IN_REQUIRED');
    const now = this.deps.now();
    const end = async (reason: string, code: 'SESSION_TIMED_OUT' | 'SIGN_IN_REQUIRED' | 'ACCOUNT_DISABLED'): Promise<never> => {
      await this.deps.store.devices.endSession(idHash, { now, reason });
      throw new MailwardError(code);
    };
    const account = await accountRecords(this.deps.store).findById(row.account_id);
    if (!account) return end('revoked', 'SIGN_IN_REQUIRED');
    const scope = { domain: accountDomain(account) };
    if (now - row.last_active_at > (await this.deps.policies.get('session.idle_minutes', scope)) * 60_000) return end('timed_out', 'SESSION_TIMED_OUT');
    if (now - row.created_at > (await this.deps.policies.get('session.max_hours', scope)) * 3600_000) return end('timed_out', 'SESSION_TIMED_OUT');
    if (account.status !== 'active') return end('revoked', 'ACCOUNT_DISABLED');
    const device = await this.deps.store.devices.find(account.id, row.device_id);
    if (
      !device ||
      row.authenticated_at < account.sessionsValidAfter ||
      row.authenticated_at < account.passwordSessionsValidAfter ||
      row.authenticated_at < device.sessions_valid_after
    ) {
      return end('revoked', 'SIGN_IN_REQUIRED');
    }
    // Background requests (the live-update stream and its reconnects) do not count as activity:
    // an unattended tab must still time out.
    if (options.renew !== false && now - row.last_active_at >= TOUCH_EVERY_MS) await this.deps.store.devices.touchSession(idHash, now);
    return { token: sessionToken, row, account, device, csrfToken: this.csrfTokenOf(sessionToken) };
  }

  /**
   * A new session id for the same sign-in (after a change of privilege such as a new password):
   * a session id an attacker planted or saw before the change is worth nothing after it. The
   * lifetime is not extended. `reauthenticatedAt` moves the sign-in time past a revocation the
   * change itself caused (a password change ends every other session, not this one).
   */
  async rotate(session: WebSession, options: { ip: string; reauthenticatedAt?: number }): Promise<{ sessionToken: string; csrfToken: string }> {
    const now = this.deps.now();
    await this.deps.store.devices.endSession(session.row.id_hash, { now, reason: 'rotated' });
    const created = await this.#create({
      account: session.account,
      deviceId: session.device.id,
      authenticatedAt: options.reauthenticatedAt ?? session.row.authenticated_at,
      ip: options.ip,
      createdAt: session.row.created_at,
    });
    return { sessionToken: created.sessionToken, csrfToken: created.csrfToken };
  }

  /** "Sign out": the server session ends; the cookie alone no longer works. */
  async signOut(sessionToken: string | undefined): Promise<void> {
    if (sessionToken === undefined || !TOKEN.test(sessionToken)) return;
    await this.deps.store.devices.endSession(hashToken(sessionToken), { now: this.deps.now(), reason: 'signed_out' });
  }
}
