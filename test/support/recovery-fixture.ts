// Alternate email, password reset and alerts built over a security fixture, with a mailer that records what it would send.
import type { Account } from '../../src/accounts/index.js';
import type { GeoIP } from '../../src/security/index.js';
import type { SecurityMailer, SecurityMessage } from '../../src/kernel/index.js';
import { Alerts, AlternateEmail, PasswordReset } from '../../src/security/index.js';
import type { SecurityFixture } from './security-fixture.js';
import { FIXTURE_PASSWORD } from './security-fixture.js';

export const RECOVERY_BASE_URL = 'https://mail.example.test';

/** A mailer that keeps every message; addresses in `failFor` make it throw, as an unreachable one would. */
export interface RecordingMailer extends SecurityMailer {
  readonly sent: SecurityMessage[];
  readonly failFor: Set<string>;
  /** The messages to one address. */
  to(address: string): SecurityMessage[];
}

export function recordingMailer(): RecordingMailer {
  const sent: SecurityMessage[] = [];
  const failFor = new Set<string>();
  return {
    sent,
    failFor,
    to: (address) => sent.filter((m) => m.to === address),
    async send(message) {
      if (failFor.has(message.to)) throw new Error(`cannot deliver to ${message.to}`);
      sent.push(message);
    },
  };
}

export interface RecoveryServices {
  alternateEmail: AlternateEmail;
  passwordReset: PasswordReset;
  alerts: Alerts;
}

/** The three services wired as Security wires them, but with the given mailer (and GeoIP for alerts). */
export function recoveryServices(f: SecurityFixture, options: { mailer: SecurityMailer; geoip?: GeoIP; onError?: (error: unknown) => void }): RecoveryServices {
  const s = f.security;
  const onError = options.onError ? { onError: options.onError } : {};
  const alternateEmail = new AlternateEmail({
    store: f.store,
    accounts: f.accounts,
    accountSecurity: s.accountSecurity,
    policies: f.policies,
    throttle: s.throttle,
    mailer: options.mailer,
    audit: s.audit,
    events: f.events,
    key: f.key,
    now: f.clock,
  });
  const passwordReset = new PasswordReset({
    store: f.store,
    accounts: f.accounts,
    accountSecurity: s.accountSecurity,
    twoFactor: s.twoFactor,
    alternateEmail,
    mailer: options.mailer,
    audit: s.audit,
    key: f.key,
    now: f.clock,
    ...onError,
  });
  const alerts = new Alerts({
    store: f.store,
    alternateEmail,
    loginRecords: s.loginRecords,
    mailer: options.mailer,
    events: f.events,
    audit: s.audit,
    ...(options.geoip ? { geoip: options.geoip } : {}),
    now: f.clock,
    ...onError,
  });
  return { alternateEmail, passwordReset, alerts };
}

/** The link token and the code of the newest message to `address` (a verification or reset mail). */
export function mailedSecrets(mailer: RecordingMailer, address: string): { token: string; code: string | undefined; link: string } {
  const text = mailer.to(address).at(-1)?.text ?? '';
  const link = /https?:\/\/\S+#token=[A-Za-z0-9_-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no link mailed to ${address}`);
  return { link, token: link.split('#token=')[1]!, code: /Verification code: (\d+)/.exec(text)?.[1] };
}

/** Gives the account a verified alternate email the way a user would: add it, then open the mailed link. */
export async function verifyAlternate(services: RecoveryServices, mailer: RecordingMailer, account: Account, address: string): Promise<void> {
  await services.alternateEmail.add({ account, address, password: FIXTURE_PASSWORD, baseUrl: RECOVERY_BASE_URL, by: { actor: `user:${account.address}`, ip: '203.0.113.10' } });
  await services.alternateEmail.verifyLink({ token: mailedSecrets(mailer, address).token });
}
