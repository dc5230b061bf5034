// authenticate(): the one gate for every door (web, SMTP, IMAP, POP3); throttles before hashing, records every attempt.
import type { Account, AccountService, PasswordHasher, PolicyService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { normalizeAddress } from '../../lib/index.js';
import { ERROR_CODES } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/index.js';
import type { EventBus, EventOf, Protocol } from '../../shared-state/index.js';
import type { Store } from '../../store/index.js';
import type { AppPasswords } from '../factors/app-passwords.js';
import { looksLikeAppPassword } from '../factors/app-passwords.js';
import type { LoginReason, LoginRecords } from './login-records.js';
import { serviceOpen } from './service-switch.js';
import { canonicalIp } from './network.js';
import type { DeviceSeen, Devices } from '../sessions/devices.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { Throttle } from './throttle.js';
import { throttleLimits } from './throttle.js';

/** A sign-in from an IP (or client) not seen in this window counts as new (alerts; account-wide throttle waiver). */
export const KNOWN_WINDOW_MS = 30 * 24 * 3600_000;
export { ACCOUNT_LIMIT_FACTOR } from './throttle.js';

export interface AuthenticateInput {
  protocol: Protocol;
  username: string;
  secret: string;
  remoteIp: string;
  /** Browser user agent, IMAP ID name or SMTP EHLO name. */
  client?: string;
  /** Whether the connection is encrypted (recorded; the door decides whether plain text may log in). */
  tls: boolean;
  now?: number;
  /** The browser's full user agent (web only), for the device log's OS and browser. */
  userAgent?: string;
  /** The browser's device cookie, when it has one (web only). */
  deviceToken?: string;
}

export type AuthFailureCode = Extract<
  ErrorCode,
  'AUTH_FAILED' | 'AUTH_THROTTLED' | 'ACCOUNT_DISABLED' | 'SERVICE_CLOSED' | 'APP_PASSWORD_REQUIRED' | 'APP_PASSWORD_SCOPE' | 'OTP_REQUIRED'
>;

export type AuthenticateResult =
  | {
      ok: true;
      account: Account;
      credential: 'password' | 'app_password';
      appPasswordId: number | null;
      /** The password was a one-time password: the web must make the user choose a new one. */
      mustChangePassword: boolean;
      /** When this sign-in happened; sessions compare it with the account's revocation epochs. */
      authenticatedAt: number;
      /**
       * A web sign-in of an account with two-factor sign-in on: no session until TwoFactor.verify
       * accepts a code. Never true on mail protocols, which take app passwords instead.
       */
      secondFactorRequired: boolean;
      /** The device this sign-in came from (recorded in the device log), when devices are kept. */
      device?: DeviceSeen;
    }
  | {
      ok: false;
      code: AuthFailureCode;
      /** The full reason; for the login record and logs, not for an unverified client. */
      reason: LoginReason;
      message: string;
      retryAfterSeconds?: number;
      /** The password hint, for the web only and only where the admin allows hints. */
      hint?: string;
    };

export interface AuthenticatorDeps {
  store: Pick<Store, 'accounts' | 'loginRecords'>;
  accounts: AccountService;
  hasher: PasswordHasher;
  policies: PolicyService;
  throttle: Throttle;
  loginRecords: LoginRecords;
  appPasswords: AppPasswords;
  key: ServerKey;
  events: EventBus;
  now: () => number;
  /** Records the device of every successful sign-in (the device log). */
  devices?: Pick<Devices, 'sighted'>;
}

const MAIL_PROTOCOLS = new Set<Protocol>(['smtp', 'imap', 'pop3']);

/** A throttle key for any name: the normalised address, or the raw text cut short (unknown names are throttled too). */
function nameKey(username: string): { key: string; valid: boolean; domain?: string } {
  try {
    const { address, domain } = normalizeAddress(username);
    return { key: address, valid: true, domain };
  } catch {
    return { key: username.trim().toLowerCase().slice(0, 320), valid: false };
  }
}

/** The browser's user agent and device cookie, only those the sign-in came with. */
function deviceHints(from: { userAgent?: string; deviceToken?: string }): { userAgent?: string; deviceToken?: string } {
  return {
    ...(from.userAgent !== undefined ? { userAgent: from.userAgent } : {}),
    ...(from.deviceToken !== undefined ? { deviceToken: from.deviceToken } : {}),
  };
}

export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  async authenticate(input: AuthenticateInput): Promise<AuthenticateResult> {
    const { deps } = this;
    const now = input.now ?? deps.now();
    const ip = canonicalIp(input.remoteIp);
    const client = input.client ?? '';
    const name = nameKey(input.username);
    const account = name.valid ? await accountRecords(deps.store).findByAddress(name.key) : undefined;
    const scope = name.domain ? { domain: name.domain } : {};
    let knownIp: boolean | undefined;
    const isKnownIp = async (): Promise<boolean> => {
      knownIp ??= account
        ? await deps.store.loginRecords.hasFromIp({ accountId: account.id, ip, result: 'success', since: now - KNOWN_WINDOW_MS })
        : false;
      return knownIp;
    };

    const fail = (
      reason: LoginReason,
      code: AuthFailureCode,
      extra: { credential?: 'password' | 'app_password' | null; retryAfterSeconds?: number; hint?: string } = {},
    ): AuthenticateResult => {
      deps.loginRecords.add({
        time: now,
        accountId: account?.id ?? null,
        username: name.key,
        protocol: input.protocol,
        ip,
        client,
        result: 'failure',
        reason,
        credential: extra.credential ?? null,
      });
      void deps.events.publish({
        type: 'LoginFailed',
        at: now,
        accountId: account?.id ?? null,
        username: name.key,
        protocol: input.protocol,
        ip,
        client,
        reason,
      });
      return {
        ok: false,
        code,
        reason,
        message: ERROR_CODES[code],
        ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
        ...(extra.hint !== undefined ? { hint: extra.hint } : {}),
      };
    };

    // 1. Throttling, before any hash: a blocked name costs the attacker nothing and us almost nothing.
    const check = await deps.throttle.check({ username: name.key, ip, now, isKnownIp });
    if (check.blocked) {
      return fail('throttled', 'AUTH_THROTTLED', { retryAfterSeconds: Math.max(1, Math.ceil((check.blocked.retryAt - now) / 1000)) });
    }

    // 2. The same wrong secret again from the same client (a mail client with a stale password):
    //    refuse without hashing and without counting it again. Only a keyed hash is kept, never the secret.
    const failedSecretMac = deps.key.mac(
      'failed-secret',
      `${name.key}\u0000${ip}\u0000${account?.passwordChangedAt ?? 0}\u0000${input.secret}`,
    );
    const unknownReason: LoginReason = account ? 'bad_credentials' : 'unknown_user';
    if (await deps.throttle.seenFailedSecret(failedSecretMac, now)) return fail(unknownReason, 'AUTH_FAILED');
    // Policies are read only past the throttle, which keeps a flood of blocked attempts cheap.
    const limits = await throttleLimits(deps.policies, scope);

    // 3. Verify. Unknown names cost one dummy verification, so they look and time like wrong passwords.
    let credential: 'password' | 'app_password' | undefined;
    let appPassword: Awaited<ReturnType<AppPasswords['find']>>;
    if (!account) {
      await deps.hasher.verifyDummy(input.secret);
    } else {
      if (MAIL_PROTOCOLS.has(input.protocol) && looksLikeAppPassword(input.secret)) {
        appPassword = await deps.appPasswords.find(account, input.secret);
        if (appPassword) credential = 'app_password';
      }
      if (!credential && (await deps.accounts.verifyPassword(account, input.secret))) credential = 'password';
    }

    if (!account || !credential) {
      // Unknown names count too (isKnownIp is false for them): an account-wide block that only
      // existing names could reach would tell a distributed guesser which names exist.
      const countAccount = !(await isKnownIp());
      const pair = await deps.throttle.recordFailure({ username: name.key, ip, now, limits, countAccount });
      await deps.throttle.rememberFailedSecret(failedSecretMac, now);
      if (account && pair.count === limits.perPair) {
        void deps.events.publish({ type: 'LoginFailureBurst', at: now, accountId: account.id, address: account.address, ip, failures: pair.count });
      }
      let hint: string | undefined;
      if (input.protocol === 'web' && account?.passwordHint && (await deps.policies.get('password.hints_enabled', scope))) {
        hint = account.passwordHint;
      }
      return fail(unknownReason, 'AUTH_FAILED', hint !== undefined ? { hint } : {});
    }

    // 4. The secret is right: from here the client may learn why it cannot go on.
    if (account.status !== 'active') return fail('account_disabled', 'ACCOUNT_DISABLED', { credential });
    if (!serviceOpen(account, input.protocol)) return fail('service_closed', 'SERVICE_CLOSED', { credential });
    if (appPassword && !appPassword.protocols.split(',').includes(input.protocol)) {
      return fail('app_password_scope', 'APP_PASSWORD_SCOPE', { credential });
    }
    if (
      credential === 'password' &&
      MAIL_PROTOCOLS.has(input.protocol) &&
      (account.twoFactorEnabled || (await deps.policies.get('auth.require_app_passwords', scope)))
    ) {
      return fail('app_password_required', 'APP_PASSWORD_REQUIRED', { credential });
    }

    await deps.throttle.recordSuccess({ username: name.key, ip });
    if (appPassword) await deps.appPasswords.markUsed(appPassword, { ip, now });
    const device = await this.recordSuccess({
      account,
      protocol: input.protocol,
      ip,
      client,
      credential,
      now,
      isKnownIp,
      ...deviceHints(input),
    });
    return {
      ok: true,
      account,
      credential,
      appPasswordId: appPassword?.id ?? null,
      mustChangePassword: account.mustChangePassword,
      authenticatedAt: now,
      secondFactorRequired: input.protocol === 'web' && account.twoFactorEnabled,
      ...(device ? { device } : {}),
    };
  }

  /**
   * What every successful sign-in leaves behind, whichever factor proved it (a password here, a
   * passkey on the web): the device sighting, the login record and the LoginSucceeded event.
   */
  async recordSuccess(options: {
    account: Account;
    protocol: Protocol;
    /** Canonical form (canonicalIp). */
    ip: string;
    client: string;
    credential: 'password' | 'app_password' | 'passkey';
    now: number;
    userAgent?: string;
    deviceToken?: string;
    /** The caller's memoised "signed in from this IP before" check, when it has one. */
    isKnownIp?: () => Promise<boolean>;
    secondFactor?: EventOf<'LoginSucceeded'>['secondFactor'];
  }): Promise<DeviceSeen | undefined> {
    const { deps } = this;
    const { account, protocol, ip, client, credential, now } = options;
    const since = now - KNOWN_WINDOW_MS;
    const knownIp = options.isKnownIp
      ? await options.isKnownIp()
      : await deps.store.loginRecords.hasFromIp({ accountId: account.id, ip, result: 'success', since });
    const newClient = client !== '' && !(await deps.store.loginRecords.hasClient({ accountId: account.id, protocol, client, since }));
    const device = await deps.devices?.sighted({
      account,
      protocol,
      ip,
      client,
      now,
      ...deviceHints(options),
    });
    deps.loginRecords.add({ time: now, accountId: account.id, username: account.address, protocol, ip, client, result: 'success', reason: 'ok', credential });
    void deps.events.publish({
      type: 'LoginSucceeded',
      at: now,
      accountId: account.id,
      address: account.address,
      protocol,
      ip,
      client,
      credential,
      newIp: !knownIp,
      newClient,
      ...(options.secondFactor !== undefined ? { secondFactor: options.secondFactor } : {}),
      ...(device ? { deviceId: device.device.id, newDevice: device.created, location: device.device.last_location } : {}),
    });
    return device;
  }
}
