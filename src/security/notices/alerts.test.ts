// Security alerts over a real store: one notification and mail per event, hourly limits per kind and device, critical kinds always on, new-country detection, the notification list.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import type { EventOf, MailwardEvent } from '../../shared-state/index.js';
import type { NotificationRepository, Store } from '../../store/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import type { RecordingMailer, RecoveryServices } from '../../../test/support/recovery-fixture.js';
import { RECOVERY_BASE_URL, recordingMailer, recoveryServices, verifyAlternate } from '../../../test/support/recovery-fixture.js';
import type { AlertKind } from './alert-kinds.js';
import { ALERT_KINDS, COUNTRY_LOOKBACK_MS, CRITICAL_ALERTS, countryOf } from './alert-kinds.js';
import { ALERT_RATE_MS, Alerts } from './alerts.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const ALICE_HOME = 'alice.home@elsewhere.test';
const IP = '203.0.113.10';
const EARLIER_IP = '192.0.2.250';
const DAY_MS = 24 * 3600_000;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describe('countryOf', () => {
  it('takes the last part of "City, Region, Country" and nothing from places GeoIP could not name', () => {
    expect(countryOf('Taipei, Taipei City, Taiwan')).toBe('Taiwan');
    expect(countryOf('Germany')).toBe('Germany');
    expect(countryOf('Local network')).toBeUndefined();
    expect(countryOf('Unknown')).toBeUndefined();
    expect(countryOf('')).toBeUndefined();
  });
});

describeOnEveryDialect('security alerts', securityFixture(), (f) => {
  let mailer: RecordingMailer;
  let s: RecoveryServices;
  let alice: Account;
  let errors: unknown[];

  beforeEach(async () => {
    mailer = recordingMailer();
    errors = [];
    s = recoveryServices(f, { mailer, onError: (e) => errors.push(e) });
    alice = await f.addUser('alice');
    await verifyAlternate(s, mailer, alice, ALICE_HOME);
    mailer.sent.length = 0;
    // Alice signed in once before, from elsewhere and unplaced: her first sign-in ever would be no news.
    await f.store.loginRecords.insertMany([
      { time: f.clock() - DAY_MS, account_id: alice.id, username: ALICE, protocol: 'web', ip: EARLIER_IP, client: '', result: 'success', reason: 'ok', credential: 'password', location: '' },
    ]);
  });
  afterEach(async () => {
    // A subscribed instance would otherwise hear the next test's events.
    await s.alerts.stop();
  });

  function login(overrides: Partial<EventOf<'LoginSucceeded'>> = {}): EventOf<'LoginSucceeded'> {
    return {
      type: 'LoginSucceeded',
      at: f.clock(),
      accountId: alice.id,
      address: ALICE,
      protocol: 'web',
      ip: IP,
      client: 'Firefox',
      credential: 'password',
      newIp: true,
      newClient: true,
      deviceId: 'device-1',
      newDevice: true,
      location: 'Taipei, Taiwan',
      ...overrides,
    };
  }

  async function kinds(): Promise<string[]> {
    return (await s.alerts.notifications({ accountId: alice.id, limit: 100 })).notifications.map((n) => n.kind);
  }

  /** Publishes on the bus and waits until the subscribed alerts are written and mailed. */
  async function publish(event: MailwardEvent): Promise<void> {
    await f.events.publish(event);
    await f.settle();
    await s.alerts.idle();
  }

  /** One example of every event that alerts, and the kind it alerts as. */
  function examples(): Array<[MailwardEvent, AlertKind]> {
    const base = { at: f.clock(), accountId: alice.id, address: ALICE };
    return [
      [login(), 'new_sign_in'],
      [{ ...base, type: 'LoginFailureBurst', ip: IP, failures: 5 }, 'failed_sign_ins'],
      [{ ...base, type: 'PasswordChanged', actor: `user:${ALICE}` }, 'password_changed'],
      [{ ...base, type: 'SecurityCodeChanged' }, 'security_code_changed'],
      [{ ...base, type: 'TwoFactorDisabled', actor: `user:${ALICE}`, how: 'user' }, 'two_factor_disabled'],
      [{ ...base, type: 'BackupCodeUsed', ip: IP, remaining: 7 }, 'backup_code_used'],
      [{ ...base, type: 'BackupCodesRegenerated', actor: `user:${ALICE}`, count: 10 }, 'backup_codes_regenerated'],
      [{ ...base, type: 'BackupCodesAging', createdAt: f.clock() - 200 * 24 * 3600_000, remaining: 10 }, 'backup_codes_old'],
      [{ ...base, type: 'AppPasswordCreated', appPasswordId: 1, name: 'Thunderbird' }, 'app_password_created'],
      [{ ...base, type: 'AccountDisabled', reason: 'volume_exceeded' }, 'account_disabled'],
      [{ ...base, type: 'DeviceLoggedOut', deviceId: 'device-9', actor: `user:${ALICE}` }, 'device_logged_out'],
      [{ ...base, type: 'AlternateEmailChanged', alternate: ALICE_HOME, previous: null, actor: `user:${ALICE}` }, 'alternate_email_changed'],
    ];
  }

  it('turns each alerting event into one notification and one mail to the INBOX and one to the verified alternate email', async () => {
    s.alerts.start();
    const cases = examples();
    expect(new Set(cases.map(([, kind]) => kind))).toEqual(new Set(ALERT_KINDS));
    for (const [event] of cases) await publish(event);
    expect((await kinds()).sort()).toEqual([...ALERT_KINDS].sort());
    expect(mailer.to(ALICE)).toHaveLength(ALERT_KINDS.length);
    expect(mailer.to(ALICE_HOME)).toHaveLength(ALERT_KINDS.length);
    expect(mailer.sent.every((m) => m.subject.startsWith('Security alert: '))).toBe(true);
    expect(await s.alerts.unreadCount(alice.id)).toBe(ALERT_KINDS.length);
    expect(errors).toEqual([]);
  });

  it('alerts once per event, even when the event arrives twice or on two nodes', async () => {
    s.alerts.start();
    const event: MailwardEvent = { type: 'PasswordChanged', at: f.clock(), accountId: alice.id, address: ALICE, actor: `user:${ALICE}` };
    await publish(event);
    await publish(event);
    expect(await kinds()).toEqual(['password_changed']);
    expect(mailer.sent).toHaveLength(2);

    // A second node (its own Alerts over the same store and shared state) handling the same new event.
    const other = recoveryServices(f, { mailer }).alerts;
    const next: MailwardEvent = { ...event, at: f.clock() + 1 };
    expect((await Promise.all([s.alerts.handle(next), other.handle(next)])).sort()).toEqual(['duplicate', 'sent']);
    expect(await kinds()).toHaveLength(2);
  });

  it('sends at most one alert per kind and device per hour', async () => {
    expect(await s.alerts.handle(login())).toBe('sent');
    f.advance(10 * 60_000);
    expect(await s.alerts.handle(login({ at: f.clock(), ip: '203.0.113.11' }))).toBe('rate_limited');
    // Another device, or the same kind without a device (counted per IP), is another alert.
    expect(await s.alerts.handle(login({ at: f.clock(), deviceId: 'device-2' }))).toBe('sent');
    expect(await s.alerts.handle(login({ at: f.clock(), deviceId: undefined, newDevice: undefined }))).toBe('sent');
    expect(await s.alerts.handle(login({ at: f.clock() + 1, deviceId: undefined, newDevice: undefined }))).toBe('rate_limited');
    f.advance(ALERT_RATE_MS);
    expect(await s.alerts.handle(login({ at: f.clock() }))).toBe('sent');
    expect(await kinds()).toEqual(['new_sign_in', 'new_sign_in', 'new_sign_in', 'new_sign_in']);
  });

  it('critical alerts cannot be switched off and are not held back by the hourly limit', async () => {
    for (const kind of CRITICAL_ALERTS) {
      expect(await codeOf(s.alerts.setPreference({ account: alice, kind, enabled: false, by: { actor: `user:${ALICE}` } }))).toBe('FORBIDDEN');
    }
    expect((await s.alerts.preferences(alice.id)).filter((p) => p.critical).every((p) => p.enabled)).toBe(true);
    const changed = (at: number): MailwardEvent => ({ type: 'PasswordChanged', at, accountId: alice.id, address: ALICE, actor: `user:${ALICE}` });
    expect(await s.alerts.handle(changed(f.clock()))).toBe('sent');
    f.advance(5 * 60_000);
    expect(await s.alerts.handle(changed(f.clock()))).toBe('sent');
    expect(await kinds()).toEqual(['password_changed', 'password_changed']);
  });

  it('lets the user switch the other kinds off and on again', async () => {
    const by = { actor: `user:${ALICE}`, ip: IP };
    const prefs = await s.alerts.setPreference({ account: alice, kind: 'new_sign_in', enabled: false, by });
    expect(prefs.find((p) => p.kind === 'new_sign_in')).toEqual({ kind: 'new_sign_in', enabled: false, critical: false });
    expect(await s.alerts.handle(login())).toBe('switched_off');
    expect(mailer.sent).toEqual([]);
    expect(await kinds()).toEqual([]);
    await s.alerts.setPreference({ account: alice, kind: 'new_sign_in', enabled: true, by });
    expect(await s.alerts.handle(login({ at: f.clock() + 1 }))).toBe('sent');
    expect(await codeOf(s.alerts.setPreference({ account: alice, kind: 'nonsense', enabled: false, by }))).toBe('INVALID_INPUT');
    const audit = await f.security.audit.list({ accountId: alice.id });
    expect(audit.filter((e) => e.action === 'alerts.changed').map((e) => e.details)).toEqual([
      { kind: 'new_sign_in', enabled: true },
      { kind: 'new_sign_in', enabled: false },
    ]);
  });

  it('says nothing of a known device on a known network', async () => {
    expect(await s.alerts.handle(login({ newIp: false, newDevice: false }))).toBe('ignored');
    expect(await kinds()).toEqual([]);
  });

  it("says nothing of an account's first sign-in ever", async () => {
    const bob = await f.addUser('bob');
    expect(await s.alerts.handle(login({ accountId: bob.id, address: bob.address }))).toBe('ignored');
    expect(mailer.sent).toEqual([]);
  });

  it('says nothing of another mail client from a known address, but does of a browser', async () => {
    const imap = login({ protocol: 'imap', client: 'Thunderbird', ip: EARLIER_IP, deviceId: 'mail-client-1', location: undefined });
    // newIp as authenticate() saw it while the earlier record was still queued: checked again against the store.
    expect(await s.alerts.handle({ ...imap, newIp: true })).toBe('ignored');
    expect(await s.alerts.handle({ ...imap, newIp: false })).toBe('ignored');
    expect(await s.alerts.handle(login({ ip: EARLIER_IP, newIp: false, deviceId: 'browser-2' }))).toBe('sent');
    expect((await s.alerts.notifications({ accountId: alice.id })).notifications[0]!.details['reasons']).toEqual(['new_device']);
    expect(await s.alerts.handle(login({ protocol: 'imap', client: 'Thunderbird', deviceId: 'mail-client-2', location: undefined }))).toBe('sent');
    expect((await s.alerts.notifications({ accountId: alice.id })).notifications[0]!.details['reasons']).toEqual(['new_device', 'new_network']);
  });

  it('mails only a verified alternate email', async () => {
    const bob = await f.addUser('bob');
    await s.alternateEmail.add({ account: bob, address: 'bob.home@elsewhere.test', password: FIXTURE_PASSWORD, baseUrl: RECOVERY_BASE_URL, by: { actor: 'user:bob' } });
    mailer.sent.length = 0;
    await s.alerts.handle({ type: 'SecurityCodeChanged', at: f.clock(), accountId: bob.id, address: bob.address });
    expect(mailer.sent.map((m) => m.to)).toEqual([bob.address]);
  });

  describe('new country', () => {
    async function earlierSignIn(options: { location: string; ago: number; result?: 'success' | 'failure' }): Promise<void> {
      await f.store.loginRecords.insertMany([
        {
          time: f.clock() - options.ago,
          account_id: alice.id,
          username: ALICE,
          protocol: 'web',
          ip: '192.0.2.1',
          client: '',
          result: options.result ?? 'success',
          reason: options.result === 'failure' ? 'bad_credentials' : 'ok',
          credential: 'password',
          location: options.location,
        },
      ]);
    }

    async function reasonsOf(event: EventOf<'LoginSucceeded'>): Promise<unknown> {
      expect(await s.alerts.handle(event)).toBe('sent');
      const [newest] = (await s.alerts.notifications({ accountId: alice.id, limit: 1 })).notifications;
      return newest!.details['reasons'];
    }

    it("tells of a country none of the account's recent successful sign-ins came from", async () => {
      await earlierSignIn({ location: 'Taipei, Taiwan', ago: DAY_MS });
      await earlierSignIn({ location: 'Berlin, Germany', ago: DAY_MS, result: 'failure' });
      await earlierSignIn({ location: 'Paris, France', ago: COUNTRY_LOOKBACK_MS + DAY_MS });
      expect(await reasonsOf(login({ location: 'Berlin, Germany' }))).toEqual(['new_country', 'new_device', 'new_network']);
      const [newest] = (await s.alerts.notifications({ accountId: alice.id })).notifications;
      expect(newest!.title).toBe('Sign-in from a new country: Germany');
      expect(mailer.to(ALICE)[0]!.text).toContain('a country (Germany) none of your recent sign-ins came from');
      // Another city of a known country is not a new country; France was too long ago to count as known.
      expect(await reasonsOf(login({ deviceId: 'device-2', location: 'Kaohsiung, Taiwan' }))).toEqual(['new_device', 'new_network']);
      expect(await reasonsOf(login({ deviceId: 'device-3', location: 'Lyon, France' }))).toEqual(['new_country', 'new_device', 'new_network']);
    });

    it('places a sign-in without a location with GeoIP', async () => {
      s = recoveryServices(f, { mailer, geoip: { locate: (ip) => (ip === '198.51.100.1' ? 'Osaka, Japan' : 'Unknown') } });
      await earlierSignIn({ location: 'Taipei, Taiwan', ago: DAY_MS });
      expect(await reasonsOf(login({ location: undefined, ip: '198.51.100.1', deviceId: undefined, newDevice: undefined }))).toEqual(['new_country', 'new_network']);
      expect(await reasonsOf(login({ location: undefined, ip: '198.51.100.2', deviceId: undefined, newDevice: undefined }))).toEqual(['new_network']);
    });

    it('has no home country to leave before the first placed sign-in', async () => {
      await earlierSignIn({ location: 'Local network', ago: DAY_MS });
      expect(await reasonsOf(login({ location: 'Berlin, Germany' }))).toEqual(['new_device', 'new_network']);
    });
  });

  it('warns when backup codes run low', async () => {
    const used = (remaining: number, ip: string): MailwardEvent => ({ type: 'BackupCodeUsed', at: f.clock(), accountId: alice.id, address: ALICE, ip, remaining });
    await s.alerts.handle(used(4, '192.0.2.1'));
    await s.alerts.handle(used(2, '192.0.2.2'));
    const [low, notLow] = (await s.alerts.notifications({ accountId: alice.id })).notifications;
    expect(low).toMatchObject({ title: 'A backup code was used; 2 left', details: { remaining: 2, low: true } });
    expect(low!.body).toContain('running low');
    expect(notLow).toMatchObject({ title: 'A backup code was used', details: { remaining: 4, low: false } });
  });

  it('tells the replaced alternate email of the change too', async () => {
    await s.alerts.handle({ type: 'AlternateEmailChanged', at: f.clock(), accountId: alice.id, address: ALICE, alternate: ALICE_HOME, previous: 'old@elsewhere.test', actor: `user:${ALICE}` });
    expect(mailer.sent.map((m) => m.to).sort()).toEqual([ALICE, ALICE_HOME, 'old@elsewhere.test'].sort());
  });

  it('never throws into the bus: failures go to onError and the other recipients still hear', async () => {
    s.alerts.start();
    mailer.failFor.add(ALICE);
    await publish({ type: 'SecurityCodeChanged', at: f.clock(), accountId: alice.id, address: ALICE });
    expect(mailer.sent.map((m) => m.to)).toEqual([ALICE_HOME]);
    expect(errors).toHaveLength(1);
    await s.alerts.stop();

    const failing: NotificationRepository = { ...f.store.notifications, insert: () => Promise.reject(new Error('disk full')) };
    const broken = new Alerts({
      store: { ...f.store, notifications: failing } as Store,
      alternateEmail: s.alternateEmail,
      loginRecords: f.security.loginRecords,
      mailer,
      events: f.events,
      audit: f.security.audit,
      now: f.clock,
      onError: (e) => errors.push(e),
    });
    broken.start();
    await f.events.publish({ type: 'PasswordChanged', at: f.clock(), accountId: alice.id, address: ALICE, actor: 'admin:cli' });
    await f.settle();
    await broken.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual([`cannot deliver to ${ALICE}`, 'disk full']);
  });

  it('lists notifications newest first by page, counts the unread and marks them read', async () => {
    const bob = await f.addUser('bob');
    for (let i = 1; i <= 5; i++) {
      f.advance(1000);
      await s.alerts.handle({ type: 'AppPasswordCreated', at: f.clock(), accountId: alice.id, address: ALICE, appPasswordId: i, name: `app ${i}` });
    }
    await s.alerts.handle({ type: 'SecurityCodeChanged', at: f.clock(), accountId: bob.id, address: bob.address });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.alerts.notifications({ accountId: alice.id, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.notifications.length).toBeLessThanOrEqual(2);
      seen.push(...page.notifications.map((n) => String(n.details['name'])));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['app 5', 'app 4', 'app 3', 'app 2', 'app 1']);
    expect(await codeOf(s.alerts.notifications({ accountId: alice.id, cursor: 'garbage' }))).toBe('INVALID_INPUT');

    expect(await s.alerts.unreadCount(alice.id)).toBe(5);
    const [first, second] = (await s.alerts.notifications({ accountId: alice.id })).notifications;
    // Another account's ids are not this account's to mark.
    expect(await s.alerts.markRead({ accountId: bob.id, ids: [first!.id] })).toBe(0);
    expect(await s.alerts.markRead({ accountId: alice.id, ids: [first!.id, second!.id] })).toBe(2);
    expect(await s.alerts.unreadCount(alice.id)).toBe(3);
    const unread = await s.alerts.notifications({ accountId: alice.id, unreadOnly: true });
    expect(unread.notifications.map((n) => n.details['name'])).toEqual(['app 3', 'app 2', 'app 1']);
    expect((await s.alerts.notifications({ accountId: alice.id })).notifications[0]!.readAt).toBe(f.clock());
    expect(await s.alerts.markRead({ accountId: alice.id })).toBe(3);
    expect(await s.alerts.unreadCount(alice.id)).toBe(0);
    expect(await s.alerts.unreadCount(bob.id)).toBe(1);
  });

  it('hears a real sign-in from a new browser once', async () => {
    s.alerts.start();
    const first = await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, userAgent: FIREFOX });
    expect(first.ok).toBe(true);
    await f.settle();
    await s.alerts.idle();
    expect(await kinds()).toEqual(['new_sign_in']);
    await f.security.flush();
    f.advance(60_000);
    const token = first.ok ? first.device?.newToken : undefined;
    expect(token).toBeDefined();
    await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, userAgent: FIREFOX, deviceToken: token! });
    await f.settle();
    await s.alerts.idle();
    expect(await kinds()).toEqual(['new_sign_in']);
    await s.alerts.stop();
  });
});
