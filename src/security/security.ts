// Builds the security core from its parts: one object the doors and the CLI share.
import type { AccountService, PasswordHasher, PolicyService } from '../accounts/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { Store } from '../store/index.js';
import { AccountSecurity } from './account-security.js';
import { AppPasswords } from './app-passwords.js';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './authenticate.js';
import type { AuthenticateInput, AuthenticateResult } from './authenticate.js';
import type { GeoIP } from './geoip.js';
import { NoGeoIP } from './geoip.js';
import { LoginRecords } from './login-records.js';
import type { ServerKey } from './server-key.js';
import { SessionRegistry } from './session-registry.js';
import { Throttle } from './throttle.js';
import { TwoFactor } from './two-factor.js';
import { VolumeLimits } from './volume-limits.js';

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
}

export class Security {
  readonly audit: AuditLog;
  readonly throttle: Throttle;
  readonly loginRecords: LoginRecords;
  readonly appPasswords: AppPasswords;
  readonly authenticator: Authenticator;
  readonly accountSecurity: AccountSecurity;
  readonly volume: VolumeLimits;
  readonly sessions: SessionRegistry;
  readonly twoFactor: TwoFactor;
  readonly geoip: GeoIP;

  constructor(deps: SecurityDeps) {
    const { store, accounts, hasher, policies, events, key, now } = deps;
    this.audit = new AuditLog(store, now);
    this.throttle = new Throttle(store.state);
    this.geoip = deps.geoip ?? new NoGeoIP();
    this.loginRecords = new LoginRecords(store, { geoip: this.geoip, ...(deps.onError ? { onError: deps.onError } : {}) });
    this.appPasswords = new AppPasswords({ store, key, audit: this.audit, events, now });
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
    });
    this.sessions = new SessionRegistry({ store, events, now, ...(deps.onError ? { onError: deps.onError } : {}) });
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
    this.volume = new VolumeLimits({ state: store.state, policies, security: this.accountSecurity, now });
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
