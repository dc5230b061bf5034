// SessionRegistry over SQLite and PostgreSQL with real timers: every revocation path ends live sessions within a second.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { T0, accountSecurityFixture } from '../../../test/support/account-security-fixture.js';
import { AccountSecurity } from '../account-security.js';
import type { EventBus } from '../../shared-state/events.js';
import { AuditLog } from '../../kernel/audit-log.js';
import type { EndReason, LiveSession, LiveSessionInput } from './session-registry.js';
import { SessionRegistry, endReasonFor } from './session-registry.js';

const PASSWORD = 'Initial-Passw0rd-9';
const POLL_MS = 100;
/** docs/architecture.md: a revocation reaches live connections within one second. */
const DEADLINE_MS = 1000;

function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 1,
    address: 'alice@example.org',
    localPart: 'alice',
    domainId: 1,
    displayName: '',
    status: 'active',
    disabledReason: null,
    disabledAt: null,
    quotaBytes: 0,
    admin: false,
    mustChangePassword: false,
    createdAt: T0,
    updatedAt: T0,
    smtpEnabled: true,
    imapEnabled: true,
    pop3Enabled: true,
    hasSecurityCode: false,
    passwordHint: null,
    passwordChangedAt: 0,
    sessionsValidAfter: 0,
    passwordSessionsValidAfter: 0,
    twoFactorEnabled: false,
    trustValidAfter: 0,
    language: '',
    ...overrides,
  };
}

describe('endReasonFor', () => {
  const at = T0;
  const imapPassword = { protocol: 'imap' as const, credential: 'password' as const, authenticatedAt: at };
  const pop3App = { protocol: 'pop3' as const, credential: 'app_password' as const, authenticatedAt: at };
  const web = { protocol: 'web' as const, credential: 'password' as const, authenticatedAt: at };
  const smtpPassword = { protocol: 'smtp' as const, credential: 'password' as const, authenticatedAt: at };

  it('lets a session on a healthy account go on', () => {
    for (const session of [imapPassword, pop3App, web, smtpPassword]) expect(endReasonFor(session, anAccount(), true)).toBeUndefined();
  });

  it.each<[string, Parameters<typeof endReasonFor>[0], Account | undefined, boolean, EndReason | undefined]>([
    ['deleted account', web, undefined, true, 'account_deleted'],
    ['disabled account', web, anAccount({ status: 'disabled' }), true, 'account_disabled'],
    ['disabled wins over revoked', imapPassword, anAccount({ status: 'disabled', sessionsValidAfter: at + 1 }), true, 'account_disabled'],
    ['signed in before sessions_valid_after', pop3App, anAccount({ sessionsValidAfter: at + 1 }), true, 'revoked'],
    ['signed in at sessions_valid_after', pop3App, anAccount({ sessionsValidAfter: at }), true, undefined],
    ['password protocol session before password_sessions_valid_after', imapPassword, anAccount({ passwordSessionsValidAfter: at + 1 }), true, 'password_changed'],
    ['app-password session survives password_sessions_valid_after', pop3App, anAccount({ passwordSessionsValidAfter: at + 1 }), true, undefined],
    ['web password session ends on password_sessions_valid_after', web, anAccount({ passwordSessionsValidAfter: at + 1 }), true, 'password_changed'],
    ['app-password session survives password_sessions_valid_after', pop3App, anAccount({ passwordSessionsValidAfter: at + 1 }), true, undefined],
    ['imap closed', imapPassword, anAccount({ imapEnabled: false }), true, 'service_closed'],
    ['pop3 closed', pop3App, anAccount({ pop3Enabled: false }), true, 'service_closed'],
    ['smtp closed', smtpPassword, anAccount({ smtpEnabled: false }), true, 'service_closed'],
    ['imap closed leaves web alone', web, anAccount({ imapEnabled: false, pop3Enabled: false, smtpEnabled: false }), true, undefined],
    ['imap closed leaves pop3 alone', pop3App, anAccount({ imapEnabled: false }), true, undefined],
    ['app password gone', pop3App, anAccount(), false, 'app_password_revoked'],
    ['app password existence does not matter to password sessions', imapPassword, anAccount(), false, undefined],
  ])('%s', (_name, session, account, appPasswordExists, expected) => {
    expect(endReasonFor(session, account, appPasswordExists)).toBe(expected);
  });
});

interface Tracked {
  id: string;
  unregister(): void;
  ended: Promise<{ reason: EndReason; afterMs: number }>;
  reason(): EndReason | undefined;
}

describeOnEveryDialect('SessionRegistry', accountSecurityFixture(), (f) => {
  let alice: Account;
  let registry: SessionRegistry;
  let appPasswordId: number;
  let imap: Tracked;
  let pop3: Tracked;
  let web: Tracked;
  let actionAt = 0;
  /** Poll rounds finished since the test began. */
  let rounds = 0;
  const errors: unknown[] = [];

  function track(input: Omit<LiveSessionInput, 'end' | 'accountId' | 'authenticatedAt' | 'ip' | 'client'>): Tracked {
    let reason: EndReason | undefined;
    let resolve!: (value: { reason: EndReason; afterMs: number }) => void;
    const ended = new Promise<{ reason: EndReason; afterMs: number }>((r) => (resolve = r));
    const { id, unregister } = registry.register({
      ...input,
      accountId: alice.id,
      authenticatedAt: f.clock.t,
      ip: '198.51.100.7',
      client: `${input.protocol} client`,
      end: (why) => {
        if (reason !== undefined) throw new Error(`session ended twice (${reason}, then ${why})`);
        reason = why;
        resolve({ reason: why, afterMs: Date.now() - actionAt });
      },
    });
    return { id, unregister, ended, reason: () => reason };
  }

  /** Resolves with the end reason, failing when the session is still live after the deadline. */
  async function endOf(session: Tracked): Promise<EndReason> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`session ${session.id} still live after ${DEADLINE_MS} ms`)), DEADLINE_MS + 200);
    });
    try {
      const { reason, afterMs } = await Promise.race([session.ended, late]);
      expect(afterMs).toBeLessThanOrEqual(DEADLINE_MS);
      return reason;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until two more poll rounds have finished (one wholly after this call), then expects these sessions to be still live. */
  async function expectLive(...sessions: Tracked[]): Promise<void> {
    const after = rounds + 2;
    await waitFor(() => rounds >= after, { timeout: 20 * POLL_MS, what: 'two poll rounds' });
    for (const session of sessions) {
      expect(session.reason()).toBeUndefined();
      expect(registry.list(alice.id).map((s: LiveSession) => s.id)).toContain(session.id);
    }
  }

  beforeEach(async () => {
    errors.length = 0;
    alice = await f.addAccount(`alice@${f.domain}`, PASSWORD);
    appPasswordId = (await f.security.appPasswords.create({ account: alice, name: 'Phone', protocols: 'pop3', actor: 'user:alice@example.org' })).appPassword.id;
    registry = new SessionRegistry({ store: f.store, events: f.events, now: f.clock.now, pollIntervalMs: POLL_MS, onError: (error) => errors.push(error) });
    rounds = 0;
    const checkAll = registry.checkAll.bind(registry);
    registry.checkAll = async () => {
      await checkAll();
      rounds++;
    };
    registry.start();
    imap = track({ protocol: 'imap', credential: 'password', appPasswordId: null });
    pop3 = track({ protocol: 'pop3', credential: 'app_password', appPasswordId });
    web = track({ protocol: 'web', credential: 'password', appPasswordId: null });
    // Every change below happens later than the sign-ins above.
    f.clock.advance(1000);
    await f.settle();
    f.published.length = 0;
  });
  afterEach(async () => {
    // Resolves once a poll round or an event's check under way has finished its queries.
    await registry.stop();
    expect(errors).toEqual([]);
  });

  it('keeps healthy sessions across poll rounds', async () => {
    await expectLive(imap, pop3, web);
    expect(registry.list(alice.id)).toHaveLength(3);
    expect(registry.list(alice.id + 1)).toEqual([]);
  });

  it('(a) SessionsRevoked from revokeSessions ends every session with "revoked"', async () => {
    actionAt = Date.now();
    await f.security.accountSecurity.revokeSessions({ account: alice, by: { actor: 'admin:cli' } });
    expect(await Promise.all([endOf(imap), endOf(pop3), endOf(web)])).toEqual(['revoked', 'revoked', 'revoked']);
    expect(registry.list(alice.id)).toEqual([]);
  });

  it('(b) a password change ends the IMAP password session and spares the web session that made it', async () => {
    actionAt = Date.now();
    await f.security.accountSecurity.changePassword({
      account: alice,
      current: PASSWORD,
      next: 'Correct-Horse-42',
      confirm: 'Correct-Horse-42',
      by: { actor: 'user:alice@example.org', sessionId: web.id },
    });
    expect(await endOf(imap)).toBe('password_changed');
    // Mail clients on app passwords stay signed in through a password change.
    await expectLive(web, pop3);
  });

  it('(b) without exceptSessionId the web session ends as well', async () => {
    actionAt = Date.now();
    await f.security.accountSecurity.setPasswordByAdmin({ address: alice.address, password: 'Correct-Horse-42', by: { actor: 'admin:cli' } });
    expect(await Promise.all([endOf(imap), endOf(web)])).toEqual(['password_changed', 'password_changed']);
    await expectLive(pop3);
  });

  it('(b) spares the changing session even when a poll runs between the commit and the event', async () => {
    // An event bus that lets a poll round run at its worst moment: the new epochs are committed,
    // the SessionsRevoked event (which names the session to keep) is not sent yet.
    const events: EventBus = {
      publish: async (event) => {
        if (event.type === 'PasswordChanged') await registry.checkAll();
        await f.events.publish(event);
      },
      subscribe: (handler, options) => f.events.subscribe(handler, options),
      close: async () => {},
    };
    const accountSecurity = new AccountSecurity({
      store: f.store,
      accounts: f.accounts,
      hasher: f.hasher,
      policies: f.policies,
      throttle: f.security.throttle,
      audit: new AuditLog(f.store, f.clock.now),
      events,
      now: f.clock.now,
      sessions: registry,
    });
    actionAt = Date.now();
    await accountSecurity.changePassword({
      account: alice,
      current: PASSWORD,
      next: 'Correct-Horse-42',
      confirm: 'Correct-Horse-42',
      by: { actor: 'user:alice@example.org', sessionId: web.id },
    });
    expect(await endOf(imap)).toBe('password_changed');
    await expectLive(web);
  });

  it('(c) closing IMAP ends only the IMAP session, with "service_closed"', async () => {
    actionAt = Date.now();
    await f.security.accountSecurity.setServices({ account: alice, changes: { imap: false }, by: { actor: 'admin:cli' } });
    expect(await endOf(imap)).toBe('service_closed');
    await expectLive(pop3, web);
  });

  it('(d) revoking the app password ends the POP3 session signed in with it', async () => {
    actionAt = Date.now();
    await f.security.appPasswords.revoke({ account: alice, id: appPasswordId, actor: 'user:alice@example.org' });
    expect(await endOf(pop3)).toBe('app_password_revoked');
    await expectLive(imap, web);
  });

  it('(e) picks up a change written straight to the store (another process, no event) by polling', async () => {
    actionAt = Date.now();
    await f.store.accounts.update(alice.id, { sessions_valid_after: f.clock.t });
    expect(await Promise.all([endOf(imap), endOf(pop3), endOf(web)])).toEqual(['revoked', 'revoked', 'revoked']);
    expect(f.published).toEqual([]);
  });

  it('(e) a service closed straight in the store ends only that protocol', async () => {
    actionAt = Date.now();
    await f.store.accounts.update(alice.id, { pop3_enabled: 0 });
    expect(await endOf(pop3)).toBe('service_closed');
    await expectLive(imap, web);
  });

  it('(f) a deleted account ends every session with "account_deleted"', async () => {
    actionAt = Date.now();
    await f.accounts.deleteUser(alice.address);
    expect(await Promise.all([endOf(imap), endOf(pop3), endOf(web)])).toEqual(['account_deleted', 'account_deleted', 'account_deleted']);
  });

  it('a disabled account ends every session with "account_disabled"', async () => {
    actionAt = Date.now();
    await f.security.accountSecurity.disable({ address: alice.address, reason: 'abuse', by: { actor: 'admin:cli' } });
    expect(await Promise.all([endOf(imap), endOf(pop3), endOf(web)])).toEqual(['account_disabled', 'account_disabled', 'account_disabled']);
  });

  it('never ends a session that was unregistered, and a session signed in after the revocation lives', async () => {
    const gone = track({ protocol: 'smtp', credential: 'password', appPasswordId: null });
    expect(registry.list(alice.id).map((s) => s.id)).toContain(gone.id);
    gone.unregister();
    expect(registry.list(alice.id).map((s) => s.id)).not.toContain(gone.id);
    actionAt = Date.now();
    await f.security.accountSecurity.revokeSessions({ account: alice, by: { actor: 'admin:cli' } });
    const fresh = track({ protocol: 'imap', credential: 'password', appPasswordId: null });
    expect(await endOf(imap)).toBe('revoked');
    await expectLive(fresh);
    expect(gone.reason()).toBeUndefined();
  });
});
