// Two-factor sign-in over a real store: enrolment, codes accepted once, throttling, backup codes, turning off, admin reset, mail clients and app passwords.
import { Secret, TOTP, URI } from 'otpauth';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { isMailwardError } from '../../errors/index.js';
import type { MailwardEvent } from '../../shared-state/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_NOW, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import { BACKUP_CODE_ALPHABET, normalizeBackupCode } from './backup-codes.js';
import { totpStep } from './totp.js';
import type { EnabledTwoFactor } from './two-factor.js';
import { ENROLMENT_TTL_MS } from './two-factor.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const IP = '203.0.113.10';
const STEP_MS = 30_000;
const DAY_MS = 24 * 3600_000;

/** A code as the user's authenticator app shows it: otpauth on its own, from the secret the user scanned. */
function appCode(base32: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

interface TotpRow {
  account_id: number | string;
  secret_sealed: string | null;
  pending_sealed: string | null;
  last_step: number | string;
  enabled_at: number | string | null;
}

describeOnEveryDialect('two-factor sign-in', securityFixture(), (f) => {
  let alice: Account;
  const by = { actor: `user:${ALICE}`, ip: IP };

  beforeEach(async () => {
    alice = await f.addUser('alice');
  });

  async function fresh(): Promise<Account> {
    return (await accountRecords(f.store).findById(alice.id))!;
  }

  function eventsOf<T extends MailwardEvent['type']>(type: T): Array<Extract<MailwardEvent, { type: T }>> {
    return f.received.filter((e): e is Extract<MailwardEvent, { type: T }> => e.type === type);
  }

  async function totpRow(): Promise<TotpRow | undefined> {
    return (await f.query<TotpRow>('select * from totp_secrets where account_id = ?', [alice.id]))[0];
  }

  async function auditActions(): Promise<string[]> {
    return (await f.security.audit.list({ accountId: alice.id })).map((e) => e.action).reverse();
  }

  /** Enrols alice the way the web will: password, scan, one code. Returns what the app holds and what the user was shown. */
  async function enrol(): Promise<{ base32: string; enabled: EnabledTwoFactor }> {
    const enrolment = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by });
    const base32 = (URI.parse(enrolment.uri) as TOTP).secret.base32;
    const enabled = await f.security.twoFactor.confirmEnrolment({ account: alice, code: appCode(base32, f.clock()), by });
    alice = await fresh();
    return { base32, enabled };
  }

  describe('enrolment', () => {
    it('hands out the URI, a QR code and the secret, and turns nothing on before a valid code', async () => {
      const enrolment = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by });
      const totp = URI.parse(enrolment.uri) as TOTP;
      expect(totp).toBeInstanceOf(TOTP);
      expect(totp.issuer).toBe('Mailward');
      expect(totp.label).toBe(ALICE);
      expect(enrolment.secret.replaceAll(' ', '')).toBe(totp.secret.base32);
      expect(enrolment.qrSVG.startsWith('<svg')).toBe(true);
      expect(enrolment.expiresAt).toBe(FIXTURE_NOW + ENROLMENT_TTL_MS);

      expect(await f.security.twoFactor.status(await fresh())).toMatchObject({ enabled: false, pending: true });
      // Mail clients still sign in with the password: nothing is on yet.
      expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);

      const wrong = appCode(totp.secret.base32, f.clock() + 10 * STEP_MS);
      expect(await codeOf(f.security.twoFactor.confirmEnrolment({ account: alice, code: wrong, by }))).toBe('OTP_FAILED');
      expect((await fresh()).twoFactorEnabled).toBe(false);

      const enabled = await f.security.twoFactor.confirmEnrolment({ account: alice, code: totp.generate({ timestamp: f.clock() }), by });
      expect(enabled.backupCodes.codes).toHaveLength(10);
      expect((await fresh()).twoFactorEnabled).toBe(true);
      expect(await f.security.twoFactor.status(await fresh())).toMatchObject({ enabled: true, enabledAt: FIXTURE_NOW, pending: false });
      expect(eventsOf('TwoFactorEnabled')).toEqual([{ type: 'TwoFactorEnabled', at: FIXTURE_NOW, accountId: alice.id, address: ALICE, actor: by.actor }]);
    });

    it('asks for the account password before handing out a secret', async () => {
      expect(await codeOf(f.security.twoFactor.beginEnrolment({ account: alice, password: 'not the password', by }))).toBe('PASSWORD_WRONG');
      expect(await totpRow()).toBeUndefined();
    });

    it('keeps the secret sealed in the database, never in plain text', async () => {
      const { base32 } = await enrol();
      const row = (await totpRow())!;
      const raw = Buffer.from(Secret.fromBase32(base32).bytes);
      expect(row.secret_sealed).toMatch(/^v1\./);
      expect(row.pending_sealed).toBeNull();
      const stored = JSON.stringify(await f.query('select * from totp_secrets'));
      for (const form of [base32, raw.toString('hex'), raw.toString('base64'), raw.toString('base64url'), raw.toString('latin1')]) {
        expect(stored).not.toContain(form);
      }
      expect(stored.toLowerCase()).not.toContain(base32.toLowerCase());
    });

    it('expires an enrolment left unconfirmed for 30 minutes', async () => {
      const enrolment = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by });
      f.advance(ENROLMENT_TTL_MS);
      const code = appCode(enrolment.secret.replaceAll(' ', ''), f.clock());
      expect(await codeOf(f.security.twoFactor.confirmEnrolment({ account: alice, code, by }))).toBe('NOT_FOUND');
      expect((await fresh()).twoFactorEnabled).toBe(false);
    });

    it('a restarted enrolment replaces the secret: codes of the first one no longer confirm', async () => {
      const first = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by });
      const second = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by });
      expect(second.secret).not.toBe(first.secret);
      expect(await codeOf(f.security.twoFactor.confirmEnrolment({ account: alice, code: appCode(first.secret.replaceAll(' ', ''), f.clock()), by }))).toBe(
        'OTP_FAILED',
      );
      await f.security.twoFactor.confirmEnrolment({ account: alice, code: appCode(second.secret.replaceAll(' ', ''), f.clock()), by });
      expect((await fresh()).twoFactorEnabled).toBe(true);
    });

    it('cannot start again while two-factor sign-in is on', async () => {
      await enrol();
      expect(await codeOf(f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by }))).toBe('EXISTS');
    });
  });

  describe('the second factor', () => {
    it('accepts a code once: the enrolment code and every later one cannot be replayed', async () => {
      const { base32 } = await enrol();
      const enrolCode = appCode(base32, f.clock());
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: enrolCode, ip: IP }))).toBe('OTP_FAILED');
      f.advance(STEP_MS);
      const code = appCode(base32, f.clock());
      expect(await f.security.twoFactor.verify({ accountId: alice.id, code, ip: IP })).toEqual({ method: 'totp', remindBackupCodes: false });
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code, ip: IP }))).toBe('OTP_FAILED');
      expect(Number((await totpRow())!.last_step)).toBe(totpStep(f.clock()));
    });

    it('accepts one step of clock drift either way, not two', async () => {
      const { base32 } = await enrol();
      f.advance(10 * STEP_MS);
      const now = f.clock();
      const at = (steps: number): string => appCode(base32, now + steps * STEP_MS);
      const accepted = [-1, 0, 1].map(at);
      for (const steps of [-2, 2]) {
        if (!accepted.includes(at(steps))) expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: at(steps), ip: IP }))).toBe('OTP_FAILED');
      }
      expect((await f.security.twoFactor.verify({ accountId: alice.id, code: at(-1), ip: IP })).method).toBe('totp');
      expect((await f.security.twoFactor.verify({ accountId: alice.id, code: at(1), ip: IP })).method).toBe('totp');
      // The step before the last accepted one is refused, even unused: codes only move forward.
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: at(0), ip: IP }))).toBe('OTP_FAILED');
    });

    it('of the same code sent twice at once, accepts exactly one', async () => {
      const { base32 } = await enrol();
      f.advance(STEP_MS);
      const code = appCode(base32, f.clock());
      const results = await Promise.all([0, 1, 2].map(() => codeOf(f.security.twoFactor.verify({ accountId: alice.id, code, ip: IP }))));
      expect(results.sort()).toEqual(['OK', 'OTP_FAILED', 'OTP_FAILED']);
    });

    it('is throttled: after auth.max_failures wrong codes even the right one is refused, until the block ends', async () => {
      const { base32 } = await enrol();
      f.advance(STEP_MS);
      const right = appCode(base32, f.clock());
      const wrong = right === '000000' ? '000001' : '000000';
      const limit = await f.policies.get('auth.max_failures');
      for (let i = 0; i < limit; i++) expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: wrong, ip: IP }))).toBe('OTP_FAILED');
      const blocked = await f.security.twoFactor.verify({ accountId: alice.id, code: right, ip: IP }).catch((e: unknown) => e);
      expect(isMailwardError(blocked, 'AUTH_THROTTLED')).toBe(true);
      expect((blocked as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds).toBeGreaterThan(0);
      // The password's own throttle is a separate count: the owner's password sign-in is untouched.
      expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
      f.advance(15 * 60_000);
      expect((await f.security.twoFactor.verify({ accountId: alice.id, code: appCode(base32, f.clock()), ip: IP })).method).toBe('totp');
    });

    it('refuses any code for an account without two-factor sign-in', async () => {
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: '123456', ip: IP }))).toBe('OTP_FAILED');
    });

    it('makes the web ask for it after the password, and mail clients use app passwords only', async () => {
      expect(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD })).toMatchObject({ ok: true, secondFactorRequired: false });
      await enrol();
      expect(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD })).toMatchObject({ ok: true, secondFactorRequired: true });
      for (const protocol of ['smtp', 'imap', 'pop3'] as const) {
        expect(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD })).toMatchObject({ ok: false, code: 'APP_PASSWORD_REQUIRED' });
      }
      const { secret } = await f.security.appPasswords.create({ account: alice, name: 'Phone', protocols: ['imap'], actor: by.actor });
      expect(await f.login({ protocol: 'imap', username: ALICE, secret })).toMatchObject({ ok: true, credential: 'app_password', secondFactorRequired: false });
    });
  });

  describe('backup codes', () => {
    it('are stored as keyed hashes only, ten of them, each from the alphabet', async () => {
      const { enabled } = await enrol();
      const { codes, text } = enabled.backupCodes;
      expect(codes).toHaveLength(10);
      for (const code of codes) expect(normalizeBackupCode(code)).toMatch(new RegExp(`^[${BACKUP_CODE_ALPHABET}]{12}$`));
      for (const code of codes) expect(text).toContain(code);
      const rows = await f.query<{ code_hash: string }>('select code_hash from backup_codes where account_id = ?', [alice.id]);
      expect(rows).toHaveLength(10);
      const stored = JSON.stringify(await f.query('select * from backup_codes'));
      for (const code of codes) {
        expect(stored).not.toContain(normalizeBackupCode(code));
        expect(stored).not.toContain(code);
      }
      for (const row of rows) expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('each works once, typed loosely, and says how many are left', async () => {
      const { enabled } = await enrol();
      const [first, second] = enabled.backupCodes.codes as [string, string];
      expect(await f.security.twoFactor.verify({ accountId: alice.id, code: first, ip: IP })).toEqual({
        method: 'backup_code',
        backupCodesRemaining: 9,
        remindBackupCodes: false,
      });
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: first, ip: IP }))).toBe('OTP_FAILED');
      const typed = normalizeBackupCode(second).toLowerCase().replace(/(.{4})/g, '$1 ');
      expect((await f.security.twoFactor.verify({ accountId: alice.id, code: typed, ip: IP })).backupCodesRemaining).toBe(8);
      expect(eventsOf('BackupCodeUsed').map((e) => e.remaining)).toEqual([9, 8]);
      const used = await f.query<{ used_ip: string }>('select used_ip from backup_codes where used_at is not null order by id');
      expect(used.map((r) => r.used_ip)).toEqual([IP, IP]);
      expect(await f.security.twoFactor.backupCodeStatus(alice)).toMatchObject({ total: 10, remaining: 8 });
    });

    it('remind the user when 3 or fewer are left', async () => {
      const { enabled } = await enrol();
      const codes = enabled.backupCodes.codes;
      for (const code of codes.slice(0, 6)) await f.security.twoFactor.verify({ accountId: alice.id, code, ip: IP });
      expect(await f.security.twoFactor.backupCodeStatus(alice)).toMatchObject({ remaining: 4, remind: false });
      expect(await f.security.twoFactor.verify({ accountId: alice.id, code: codes[6]!, ip: IP })).toMatchObject({ backupCodesRemaining: 3, remindBackupCodes: true });
      expect(await f.security.twoFactor.backupCodeStatus(alice)).toMatchObject({ remaining: 3, remind: true });
    });

    it('remind the user when the set is older than backup_codes.rotate_days', async () => {
      await enrol();
      f.advance(180 * DAY_MS);
      expect((await f.security.twoFactor.backupCodeStatus(alice)).remind).toBe(false);
      f.advance(1);
      expect((await f.security.twoFactor.backupCodeStatus(alice)).remind).toBe(true);
      await f.policies.set('backup_codes.rotate_days', 365);
      expect((await f.security.twoFactor.backupCodeStatus(alice)).remind).toBe(false);
      await f.policies.set('backup_codes.rotate_days', 0);
      f.advance(3000 * DAY_MS);
      expect((await f.security.twoFactor.backupCodeStatus(alice)).remind).toBe(false);
    });

    it('regenerating needs the password and invalidates the old set', async () => {
      const { enabled } = await enrol();
      const old = enabled.backupCodes.codes;
      await f.security.twoFactor.verify({ accountId: alice.id, code: old[0]!, ip: IP });
      expect(await codeOf(f.security.twoFactor.regenerateBackupCodes({ account: alice, password: 'wrong', by }))).toBe('PASSWORD_WRONG');
      f.advance(DAY_MS);
      const next = await f.security.twoFactor.regenerateBackupCodes({ account: alice, password: FIXTURE_PASSWORD, by });
      expect(next.codes).toHaveLength(10);
      expect(next.codes.some((code) => old.includes(code))).toBe(false);
      expect(await codeOf(f.security.twoFactor.verify({ accountId: alice.id, code: old[1]!, ip: IP }))).toBe('OTP_FAILED');
      expect(await f.security.twoFactor.backupCodeStatus(alice)).toMatchObject({ total: 10, remaining: 10, createdAt: FIXTURE_NOW + DAY_MS });
      expect((await f.security.twoFactor.verify({ accountId: alice.id, code: next.codes[0]!, ip: IP })).backupCodesRemaining).toBe(9);
      expect(eventsOf('BackupCodesRegenerated')).toHaveLength(1);
    });
  });

  describe('aging backup codes', () => {
    it('reminds once per set when it is older than backup_codes.rotate_days, and never with 0', async () => {
      await enrol();
      await f.policies.set('backup_codes.rotate_days', 30);
      f.advance(29 * DAY_MS);
      expect(await f.security.twoFactor.remindAgingBackupCodes()).toBe(0);
      f.advance(2 * DAY_MS);
      expect(await f.security.twoFactor.remindAgingBackupCodes()).toBe(1);
      expect(eventsOf('BackupCodesAging')).toEqual([expect.objectContaining({ accountId: alice.id, createdAt: FIXTURE_NOW, remaining: 10 })]);
      // The next hourly run, and another node: the same set is not reminded again.
      f.advance(3600_000);
      expect(await f.security.twoFactor.remindAgingBackupCodes()).toBe(0);
      // A new set starts the count afresh.
      await f.security.twoFactor.regenerateBackupCodes({ account: await fresh(), password: FIXTURE_PASSWORD, by });
      f.advance(31 * DAY_MS);
      expect(await f.security.twoFactor.remindAgingBackupCodes()).toBe(1);
      await f.policies.set('backup_codes.rotate_days', 0);
      f.advance(365 * DAY_MS);
      expect(await f.security.twoFactor.remindAgingBackupCodes()).toBe(0);
    });
  });

  describe('turning off', () => {
    it('needs the password and a second factor', async () => {
      const { base32 } = await enrol();
      f.advance(STEP_MS);
      const code = appCode(base32, f.clock());
      expect(await codeOf(f.security.twoFactor.disable({ account: alice, password: 'wrong', code, by }))).toBe('PASSWORD_WRONG');
      expect(await codeOf(f.security.twoFactor.disable({ account: alice, password: FIXTURE_PASSWORD, code: '', by }))).toBe('OTP_FAILED');
      expect((await fresh()).twoFactorEnabled).toBe(true);

      await f.security.twoFactor.disable({ account: alice, password: FIXTURE_PASSWORD, code, by });
      expect((await fresh()).twoFactorEnabled).toBe(false);
      expect(await totpRow()).toBeUndefined();
      expect(await f.query('select * from backup_codes')).toEqual([]);
      expect(eventsOf('TwoFactorDisabled')).toEqual([
        { type: 'TwoFactorDisabled', at: f.clock(), accountId: alice.id, address: ALICE, actor: by.actor, how: 'user' },
      ]);
      expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
    });

    it('accepts a backup code as the second factor', async () => {
      const { enabled } = await enrol();
      await f.security.twoFactor.disable({ account: alice, password: FIXTURE_PASSWORD, code: enabled.backupCodes.codes[0]!, by });
      expect((await fresh()).twoFactorEnabled).toBe(false);
    });

    it('by the admin reset: everything deleted and every session signed out', async () => {
      await enrol();
      f.advance(1000);
      const result = await f.security.twoFactor.reset({ account: alice, by: { actor: 'admin:cli:root' } });
      expect(result).toEqual({ wasEnabled: true, backupCodesDeleted: 10 });
      const after = await fresh();
      expect(after.twoFactorEnabled).toBe(false);
      expect(after.sessionsValidAfter).toBe(f.clock());
      expect(await totpRow()).toBeUndefined();
      expect(eventsOf('TwoFactorDisabled').map((e) => e.how)).toEqual(['admin_reset']);
      expect(eventsOf('SessionsRevoked')).toHaveLength(1);
    });
  });

  it('audits every change with actor and IP, and never a code or secret', async () => {
    const { base32, enabled } = await enrol();
    await f.security.twoFactor.verify({ accountId: alice.id, code: enabled.backupCodes.codes[0]!, ip: IP });
    await f.security.twoFactor.regenerateBackupCodes({ account: alice, password: FIXTURE_PASSWORD, by });
    f.advance(STEP_MS);
    await f.security.twoFactor.disable({ account: alice, password: FIXTURE_PASSWORD, code: appCode(base32, f.clock()), by });
    await f.security.twoFactor.reset({ account: await fresh(), by: { actor: 'admin:cli:root' } });
    expect(await auditActions()).toEqual([
      'two_factor.enabled',
      'backup_code.used',
      'backup_codes.regenerated',
      'two_factor.disabled',
      'two_factor.reset',
      'sessions.revoked',
    ]);
    const entries = await f.security.audit.list({ accountId: alice.id });
    expect(entries.find((e) => e.action === 'backup_code.used')).toMatchObject({ ip: IP, details: { remaining: 9 } });
    expect(entries.find((e) => e.action === 'two_factor.enabled')).toMatchObject({ actor: by.actor, ip: IP });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(base32);
    for (const code of enabled.backupCodes.codes) expect(text).not.toContain(code);
  });

  describe('mail clients when turning on', () => {
    it('lists the clients that used the password in the last 30 days, newest first, and offers each a scoped app password', async () => {
      // 40 days ago: too old to list.
      f.setNow(FIXTURE_NOW - 40 * DAY_MS);
      await f.login({ protocol: 'pop3', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '198.51.100.9' });
      f.setNow(FIXTURE_NOW - 3 * DAY_MS);
      await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'Thunderbird', remoteIp: '198.51.100.7' });
      await f.login({ protocol: 'imap', username: ALICE, secret: 'wrong password', client: 'Evil', remoteIp: '198.51.100.66' });
      f.setNow(FIXTURE_NOW - 2 * DAY_MS);
      await f.login({ protocol: 'smtp', username: ALICE, secret: FIXTURE_PASSWORD, client: 'iPhone', remoteIp: '192.168.1.20' });
      f.setNow(FIXTURE_NOW - DAY_MS);
      await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'Thunderbird', remoteIp: '198.51.100.8' });
      // Already on an app password: nothing to offer.
      const { secret: k9 } = await f.security.appPasswords.create({ account: alice, name: 'K-9', protocols: ['imap'], actor: by.actor });
      await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'K-9 Mail', remoteIp: '198.51.100.5' });
      await f.login({ protocol: 'imap', username: ALICE, secret: k9, client: 'K-9 Mail', remoteIp: '198.51.100.5' });
      // The web is not a mail client.
      await f.login({ username: ALICE, secret: FIXTURE_PASSWORD });
      f.setNow(FIXTURE_NOW);

      const { enabled } = await enrol();
      expect(enabled.mailClients).toEqual([
        {
          protocol: 'imap',
          client: 'Thunderbird',
          lastIp: '198.51.100.8',
          lastLocation: 'Unknown',
          lastSeenAt: FIXTURE_NOW - DAY_MS,
          logins: 2,
          suggestedName: 'Thunderbird (IMAP)',
        },
        {
          protocol: 'smtp',
          client: 'iPhone',
          lastIp: '192.168.1.20',
          lastLocation: 'Local network',
          lastSeenAt: FIXTURE_NOW - 2 * DAY_MS,
          logins: 1,
          suggestedName: 'iPhone (SMTP)',
        },
      ]);

      const offered = await f.security.twoFactor.createClientAppPassword({ account: alice, client: enabled.mailClients[0]!, by });
      expect(offered.appPassword).toMatchObject({ name: 'Thunderbird (IMAP)', protocols: ['imap'] });
      expect(await f.login({ protocol: 'imap', username: ALICE, secret: offered.secret, client: 'Thunderbird' })).toMatchObject({ ok: true, credential: 'app_password' });
      expect(await f.login({ protocol: 'smtp', username: ALICE, secret: offered.secret })).toMatchObject({ ok: false, code: 'APP_PASSWORD_SCOPE' });
      expect(await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'Thunderbird' })).toMatchObject({
        ok: false,
        code: 'APP_PASSWORD_REQUIRED',
      });
      // Moved to its app password: no longer listed.
      expect((await f.security.twoFactor.mailClients(alice)).map((c) => c.client)).toEqual(['iPhone']);
    });
  });

  describe('auth.require_2fa', () => {
    it('gives a grace period from when the policy was set, then sends sign-in straight to enrolment', async () => {
      expect(await f.security.twoFactor.requirement(alice)).toEqual({ required: false, graceEndsAt: null, graceLoginsLeft: null, mustEnroll: false });
      f.advance(DAY_MS);
      await f.policies.set('auth.require_2fa', true, { domain: FIXTURE_DOMAIN });
      await f.policies.set('auth.require_2fa_grace_days', 7);
      const graceEndsAt = FIXTURE_NOW + DAY_MS + 7 * DAY_MS;
      expect(await f.security.twoFactor.requirement(alice)).toEqual({ required: true, graceEndsAt, graceLoginsLeft: null, mustEnroll: false });
      f.setNow(graceEndsAt);
      expect(await f.security.twoFactor.mustEnroll2FA(alice)).toBe(true);
      await enrol();
      expect(await f.security.twoFactor.requirement(alice)).toEqual({ required: true, graceEndsAt: null, graceLoginsLeft: null, mustEnroll: false });
    });

    it('counts web sign-ins when auth.require_2fa_grace_logins is set: the one after the last allowed leads to enrolment', async () => {
      await f.policies.set('auth.require_2fa', true);
      await f.policies.set('auth.require_2fa_grace_days', 30);
      await f.policies.set('auth.require_2fa_grace_logins', 2);
      f.advance(1000);
      expect((await f.security.twoFactor.requirement(alice)).graceLoginsLeft).toBe(2);
      // Mail clients and failures do not count; web sign-ins do.
      await f.login({ username: ALICE, secret: 'wrong-password-1', protocol: 'web' });
      await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, protocol: 'imap' });
      for (const left of [1, 0]) {
        f.advance(1000);
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, protocol: 'web' })).ok).toBe(true);
        expect(await f.security.twoFactor.requirement(alice)).toMatchObject({ graceLoginsLeft: left, mustEnroll: false });
      }
      f.advance(1000);
      await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, protocol: 'web' });
      expect(await f.security.twoFactor.requirement(alice)).toMatchObject({ graceLoginsLeft: 0, mustEnroll: true });
      await enrol();
      expect((await f.security.twoFactor.requirement(alice)).mustEnroll).toBe(false);
    });
  });
});
