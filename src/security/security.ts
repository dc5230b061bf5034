// Builds the security core from its parts: one object the doors and the CLI share.
import type { Account, AccountService, PasswordHasher, PolicyService } from '../accounts/index.js';
import { ProfileService, accountRecords } from '../accounts/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { Store } from '../store/index.js';
import { AccountSecurity } from './account-security.js';
import { AppPasswords } from './factors/app-passwords.js';
import { AuditLog } from '../kernel/audit-log.js';
import { Devices } from './sessions/devices.js';
import { WebSessions } from './sessions/web-sessions.js';
import { Authenticator } from './gate/authenticate.js';
import type { AuthenticateInput, AuthenticateResult } from './gate/authenticate.js';
import type { GeoIP } from './gate/geoip.js';
import { NoGeoIP } from './gate/geoip.js';
import { LoginRecords } from './gate/login-records.js';
import { Passkeys } from './factors/passkeys.js';
import type { ServerKey } from '../kernel/server-key.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { Throttle } from './gate/throttle.js';
import { TwoFactor } from './factors/two-factor.js';
import { VolumeLimits } from './gate/volume-limits.js';
import { Alerts } from './notices/alerts.js';
import { AlternateEmail } from './recovery/alternate-email.js';
import { PasswordReset } from './recovery/password-reset.js';
import type { SecurityMailer } from '../kernel/security-mailer.js';
import { NO_SECURITY_MAILER } from '../kernel/security-mailer.js';

export interface SecurityDeps {
  store: Store;
  accounts: AccountService;
  hasher: PasswordHasher;
  policies: PolicyService;
  events: EventBus;
  key: ServerKey;
  now: () => number;
  onError?: (error: unknown) => void;
  /** Places login records (openGeoIP with the `geoip.database` setting); default: none, every public address "Unknown". */
  geoip?: GeoIP;
  /** The name authenticator apps show beside the account (default "Mailward"). */
  issuer?: string;
  /**
   * Where passkeys are bound: the relying party id (the configured host name), the name shown by
   * authenticators, and the web origins assertions may come from. Default: localhost on the
   * development ports, which suits nothing but a first run on one's own machine.
   */
  webAuthn?: { rpID: string; rpName: string; origins: string[] };
  /** Sends alerts, alternate-email codes and reset links (mail/SystemMailer); default: none, and sending fails. */
  mailer?: SecurityMailer;
}

const DEFAULT_WEBAUTHN = { rpID: 'localhost', rpName: 'Mailward', origins: ['http://localhost:8080', 'https://localhost:8443'] };

export class Security {
  readonly audit: AuditLog;
  readonly throttle: Throttle;
  readonly loginRecords: LoginRecords;
  readonly appPasswords: AppPasswords;
  readonly authenticator: Authenticator;
  readonly accountSecurity: AccountSecurity;
  readonly volume: VolumeLimits;
  readonly sessions: SessionRegistry;
  readonly devices: Devices;
  readonly webSessions: WebSessions;
  readonly twoFactor: TwoFactor;
  readonly passkeys: Passkeys;
  readonly geoip: GeoIP;
  readonly alternateEmail: AlternateEmail;
  readonly passwordReset: PasswordReset;
  /** Security alerts and in-app notifications; `serve` starts its subscription. */
  readonly alerts: Alerts;
  /** The account's profile (display name, webmail language), changed by its owner and audited. */
  readonly profiles: ProfileService;

  readonly #store: Store;
  /** The admin's policies, for pages that show the rules in force (strength level, security code, hints). */
  readonly policies: PolicyService;

  constructor(deps: SecurityDeps) {
    this.#store = deps.store;
    this.policies = deps.policies;
    const { store, accounts, hasher, policies, events, key, now } = deps;
    this.audit = new AuditLog(store, now);
    this.profiles = new ProfileService({ store, audit: this.audit });
    this.throttle = new Throttle(store.state);
    this.geoip = deps.geoip ?? new NoGeoIP();
    this.loginRecords = new LoginRecords(store, { geoip: this.geoip, ...(deps.onError ? { onError: deps.onError } : {}) });
    this.appPasswords = new AppPasswords({ store, key, audit: this.audit, events, now });
    this.sessions = new SessionRegistry({ store, events, now, ...(deps.onError ? { onError: deps.onError } : {}) });
    this.devices = new Devices({ store, policies, key, geoip: this.geoip, audit: this.audit, events, sessions: this.sessions, now });
    this.authenticator = new Authenticator({
      store,
      accounts,
      hasher,
      policies,
      throttle: this.throttle,
      loginRecords: this.loginRecords,
      appPasswords: this.appPasswords,
      key,
      events,
      now,
      devices: this.devices,
    });
    this.accountSecurity = new AccountSecurity({
      store,
      accounts,
      hasher,
      policies,
      throttle: this.throttle,
      audit: this.audit,
      events,
      now,
      sessions: this.sessions,
    });
    this.twoFactor = new TwoFactor({
      store,
      policies,
      throttle: this.throttle,
      loginRecords: this.loginRecords,
      appPasswords: this.appPasswords,
      accountSecurity: this.accountSecurity,
      audit: this.audit,
      events,
      key,
      now,
      ...(deps.issuer !== undefined ? { issuer: deps.issuer } : {}),
    });
    this.passkeys = new Passkeys({
      store,
      policies,
      throttle: this.throttle,
      accountSecurity: this.accountSecurity,
      audit: this.audit,
      now,
      ...(deps.webAuthn ?? DEFAULT_WEBAUTHN),
    });
    this.webSessions = new WebSessions({
      store,
      policies,
      key,
      devices: this.devices,
      twoFactor: this.twoFactor,
      authenticate: (input) => this.authenticate(input),
      hasPasskeys: async (accountId) => (await store.passkeys.listForAccount(accountId)).length > 0,
      loginRecords: this.loginRecords,
      recordSuccess: (options) => this.authenticator.recordSuccess(options),
      now,
    });
    this.volume = new VolumeLimits({ state: store.state, policies, security: this.accountSecurity, now });
    const mailer = deps.mailer ?? NO_SECURITY_MAILER;
    const onError = deps.onError ? { onError: deps.onError } : {};
    this.alternateEmail = new AlternateEmail({
      store,
      accounts,
      accountSecurity: this.accountSecurity,
      policies,
      throttle: this.throttle,
      mailer,
      audit: this.audit,
      events,
      key,
      now,
    });
    this.passwordReset = new PasswordReset({
      store,
      accounts,
      accountSecurity: this.accountSecurity,
      twoFactor: this.twoFactor,
      alternateEmail: this.alternateEmail,
      mailer,
      audit: this.audit,
      key,
      now,
      ...onError,
    });
    this.alerts = new Alerts({
      store,
      alternateEmail: this.alternateEmail,
      loginRecords: this.loginRecords,
      mailer,
      events,
      audit: this.audit,
      geoip: this.geoip,
      now,
      ...onError,
    });
  }

  /** The account behind an address, for routes that verify a factor of an account named by a link. */
  accountByAddress(address: string): Promise<Account | undefined> {
    return accountRecords(this.#store).findByAddress(address);
  }

  /** The one way in, for every protocol. */
  authenticate(input: AuthenticateInput): Promise<AuthenticateResult> {
    return this.authenticator.authenticate(input);
  }

  /** Writes queued login records (before shutdown, and in tests). */
  flush(): Promise<void> {
    return this.loginRecords.flush();
  }
}
