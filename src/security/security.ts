// Builds the security core from its parts: one object the doors and the CLI share.
import type { AccountService, PasswordHasher, PolicyService } from '../accounts/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { Store } from '../store/index.js';
import { AccountSecurity } from './account-security.js';
import { AppPasswords } from './app-passwords.js';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './authenticate.js';
import type { AuthenticateInput, AuthenticateResult } from './authenticate.js';
import { LoginRecords } from './login-records.js';
import type { ServerKey } from './server-key.js';
import { SessionRegistry } from './session-registry.js';
import { Throttle } from './throttle.js';
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

  constructor(deps: SecurityDeps) {
    const { store, accounts, hasher, policies, events, key, now } = deps;
    this.audit = new AuditLog(store, now);
    this.throttle = new Throttle(store.state);
    this.loginRecords = new LoginRecords(store, deps.onError ? { onError: deps.onError } : {});
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
