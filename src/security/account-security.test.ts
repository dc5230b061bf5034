// AccountSecurity over SQLite and PostgreSQL: password change rules, security code, hints, services, disable/enable, revocation.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account, PasswordStrengthLevel } from '../accounts/index.js';
import type { ErrorCode } from '../errors/index.js';
import { describeOnEveryDialect } from '../../test/support/every-dialect.js';
import { T0, accountSecurityFixture } from '../../test/support/account-security-fixture.js';
import { expectCode } from '../../test/support/outcomes.js';
import type { Actor } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import { AccountSecurity } from './account-security.js';

const START = 'Initial-Passw0rd-9';
const IP = '198.51.100.7';
const OTHER_IP = '192.0.2.44';
const USER: Actor = { actor: 'user:alice@example.org', ip: IP };

describeOnEveryDialect('AccountSecurity', accountSecurityFixture(), (f) => {
  let alice: Account;

  beforeEach(async () => {
    alice = await f.addAccount(`alice@${f.domain}`, START);
  });

  const change = (options: { current?: string; next: string; confirm?: string; securityCode?: string; by?: Actor; account?: Account }) =>
    f.security.accountSecurity.changePassword({
      account: options.account ?? alice,
      current: options.current ?? START,
      next: options.next,
      confirm: options.confirm ?? options.next,
      ...(options.securityCode !== undefined ? { securityCode: options.securityCode } : {}),
      by: options.by ?? USER,
    });

  /** The hashes as stored (the Account value carries none). */
  const stored = async (): Promise<{ password_hash: string; security_code_hash: string | null }> => (await f.store.accounts.findById(alice.id))!;
  const passwordIs = async (password: string): Promise<boolean> => f.hasher.verify((await stored()).password_hash, password);

  describe('changePassword', () => {
    it('refuses a wrong current password with PASSWORD_WRONG and keeps the old password', async () => {
      await expectCode(change({ current: 'Not-The-Passw0rd', next: 'Correct-Horse-42' }), 'PASSWORD_WRONG');
      // Case matters for the current password too.
      await expectCode(change({ current: START.toLowerCase(), next: 'Correct-Horse-42' }), 'PASSWORD_WRONG');
      expect(await passwordIs(START)).toBe(true);
      expect(await passwordIs('Correct-Horse-42')).toBe(false);
      expect(f.eventsOf('PasswordChanged')).toEqual([]);
    });

    it('throttles repeated wrong current passwords after auth.max_failures, refusing even the right one before hashing', async () => {
      await f.setPolicy('auth.max_failures', 3);
      for (let i = 0; i < 3; i++) {
        await expectCode(change({ current: `Wrong-guess-${i}`, next: 'Correct-Horse-42' }), 'PASSWORD_WRONG');
      }
      const throttled = await expectCode(change({ next: 'Correct-Horse-42' }), 'AUTH_THROTTLED');
      expect(throttled.details).toEqual({ retryAfterSeconds: 60 });
      expect(await passwordIs(START)).toBe(true);
      // The block is per (account, IP): the owner elsewhere still gets the ordinary answer.
      await expectCode(change({ current: 'Wrong-guess-x', next: 'Correct-Horse-42', by: { ...USER, ip: OTHER_IP } }), 'PASSWORD_WRONG');
      // It expires on its own.
      f.clock.advance(60_000);
      await change({ next: 'Correct-Horse-42' });
      expect(await passwordIs('Correct-Horse-42')).toBe(true);
    });

    it('refuses a confirmation that differs with PASSWORD_MISMATCH', async () => {
      await expectCode(change({ next: 'Correct-Horse-42', confirm: 'Correct-Horse-43' }), 'PASSWORD_MISMATCH');
      await expectCode(change({ next: 'Correct-Horse-42', confirm: 'correct-horse-42' }), 'PASSWORD_MISMATCH');
      expect(await passwordIs(START)).toBe(true);
    });

    const LEVELS: Array<{ level: PasswordStrengthLevel; refused: Array<[string, ErrorCode]>; accepted: string }> = [
      { level: 'none', refused: [['', 'PASSWORD_TOO_SHORT']], accepted: 'password' },
      {
        level: 'medium',
        refused: [
          ['Ab1', 'PASSWORD_TOO_SHORT'],
          ['abcdefghij', 'PASSWORD_TOO_SIMPLE'],
          // "password1" is on the shipped list; the check ignores case.
          ['Password1', 'PASSWORD_COMMON'],
          ['qwerty123', 'PASSWORD_COMMON'],
          ['alice2024xyz', 'PASSWORD_CONTAINS_NAME'],
          ['xxALICExx99', 'PASSWORD_CONTAINS_NAME'],
        ],
        accepted: 'correcthorse42',
      },
      {
        level: 'strong',
        refused: [
          ['Ab1!', 'PASSWORD_TOO_SHORT'],
          ['abcdefgh12', 'PASSWORD_TOO_SIMPLE'],
          ['correcthorse42', 'PASSWORD_TOO_SIMPLE'],
          ['P@ssw0rd', 'PASSWORD_COMMON'],
          ['Alice#2024x', 'PASSWORD_CONTAINS_NAME'],
        ],
        accepted: 'Tr0ub4dor&3x',
      },
      {
        level: 'very_strong',
        refused: [
          ['Tr0ub4dor&3x', 'PASSWORD_TOO_SHORT'],
          ['correcthorsebattery42', 'PASSWORD_TOO_SIMPLE'],
          ['ChickenWing101', 'PASSWORD_COMMON'],
          ['MyAlice-Passphrase-2024', 'PASSWORD_CONTAINS_NAME'],
        ],
        accepted: 'Correct-Horse-Battery-42',
      },
    ];

    for (const { level, refused, accepted } of LEVELS) {
      it(`at password.strength ${level}: refuses ${refused.map(([, code]) => code).join(', ')} and accepts a good one`, async () => {
        await f.setPolicy('password.strength', level);
        for (const [password, code] of refused) {
          await expectCode(change({ next: password }), code);
          await expectCode(f.security.accountSecurity.setPasswordByAdmin({ address: alice.address, password, by: { actor: 'admin:cli' } }), code);
        }
        expect(await passwordIs(START)).toBe(true);
        expect(f.eventsOf('PasswordChanged')).toEqual([]);
        await change({ next: accepted });
        expect(await passwordIs(accepted)).toBe(true);
      });
    }

    it('treats passwords as case-sensitive', async () => {
      await f.setPolicy('password.strength', 'none');
      await change({ next: 'PaSsWoRd' });
      expect(await passwordIs('PaSsWoRd')).toBe(true);
      expect(await passwordIs('PASSWORD')).toBe(false);
      expect(await passwordIs('password')).toBe(false);
      alice = await f.reload(alice);
      expect(await f.accounts.verifyPassword(alice, 'password')).toBe(false);
      await expectCode(change({ current: 'PASSWORD', next: 'password' }), 'PASSWORD_WRONG');
      await change({ current: 'PaSsWoRd', next: 'PASSWORD' });
      expect(await passwordIs('PASSWORD')).toBe(true);
      expect(await passwordIs('PaSsWoRd')).toBe(false);
    });

    it('on success stores the new hash, moves the revocation epochs, audits without secrets and emits PasswordChanged + SessionsRevoked', async () => {
      const before = await stored();
      f.clock.advance(5000);
      const at = f.clock.t;
      const updated = await change({ next: 'Correct-Horse-42', by: { ...USER, sessionId: 'web-session-1' } });
      const row = await stored();
      expect(updated).toEqual(await f.reload(alice));
      expect(row.password_hash).not.toBe(before.password_hash);
      expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
      expect(updated).toMatchObject({ passwordChangedAt: at, passwordSessionsValidAfter: at, mustChangePassword: false });
      // Only password sessions end: the general epoch (which would end app-password clients too) stays.
      expect(updated.sessionsValidAfter).toBe(0);
      expect(await passwordIs(START)).toBe(false);
      expect(await passwordIs('Correct-Horse-42')).toBe(true);

      const [entry, ...rest] = await f.security.audit.list({ accountId: alice.id });
      expect(rest.filter((e) => e.action.startsWith('password.'))).toEqual([]);
      expect(entry).toMatchObject({ action: 'password.changed', actor: USER.actor, ip: IP, account: alice.address, time: at });
      const text = JSON.stringify(entry);
      for (const secret of [START, 'Correct-Horse-42', row.password_hash, before.password_hash, '$argon2']) expect(text).not.toContain(secret);

      await f.settle();
      expect(f.eventsOf('PasswordChanged')).toEqual([
        { type: 'PasswordChanged', at, accountId: alice.id, address: alice.address, actor: USER.actor },
      ]);
      expect(f.eventsOf('SessionsRevoked')).toEqual([
        { type: 'SessionsRevoked', at, accountId: alice.id, scope: 'password', exceptSessionId: 'web-session-1' },
      ]);
    });

    it('writes all or nothing: a failing audit insert leaves the old password in force, no record and no event', async () => {
      // The same store, but every transaction fails at its audit insert, after the password was written in it.
      const failing: Store = {
        ...f.store,
        transaction: (work) =>
          f.store.transaction((tx) => work({ ...tx, audit: { ...tx.audit, append: () => Promise.reject(new Error('audit insert failed')) } })),
      };
      const { throttle, audit } = f.security;
      const accountSecurity = new AccountSecurity({ store: failing, accounts: f.accounts, hasher: f.hasher, policies: f.policies, throttle, audit, events: f.events, now: f.clock.now });
      f.clock.advance(5000);
      const next = 'Correct-Horse-42';
      await expect(accountSecurity.changePassword({ account: alice, current: START, next, confirm: next, by: USER })).rejects.toThrow('audit insert failed');
      await expect(accountSecurity.setPasswordByAdmin({ address: alice.address, password: next, by: { actor: 'admin:cli' } })).rejects.toThrow('audit insert failed');
      await expect(accountSecurity.setPasswordByReset({ account: alice, password: next, by: USER })).rejects.toThrow('audit insert failed');

      expect(await passwordIs(START)).toBe(true);
      expect(await passwordIs(next)).toBe(false);
      expect(await f.reload(alice)).toEqual(alice);
      expect((await f.security.audit.list({ accountId: alice.id })).filter((e) => e.action.startsWith('password.'))).toEqual([]);
      await f.settle();
      expect(f.eventsOf('PasswordChanged')).toEqual([]);
      expect(f.eventsOf('SessionsRevoked')).toEqual([]);
      expect((await f.security.authenticate({ protocol: 'imap', username: alice.address, secret: START, remoteIp: IP, tls: true })).ok).toBe(true);
    });

    describe('with security_code.enabled', () => {
      const CODE = 'my-code-2468';
      beforeEach(async () => {
        await f.security.accountSecurity.setSecurityCode({ account: alice, password: START, code: CODE, by: USER });
        alice = await f.reload(alice);
        await f.setPolicy('security_code.enabled', true);
      });

      it('needs the code: missing → SECURITY_CODE_REQUIRED, wrong → SECURITY_CODE_WRONG, right → changed', async () => {
        expect(await f.security.accountSecurity.securityCodeRequired(alice)).toBe(true);
        await expectCode(change({ next: 'Correct-Horse-42' }), 'SECURITY_CODE_REQUIRED');
        await expectCode(change({ next: 'Correct-Horse-42', securityCode: '' }), 'SECURITY_CODE_REQUIRED');
        await expectCode(change({ next: 'Correct-Horse-42', securityCode: 'my-code-2469' }), 'SECURITY_CODE_WRONG');
        await expectCode(change({ next: 'Correct-Horse-42', securityCode: CODE.toUpperCase() }), 'SECURITY_CODE_WRONG');
        expect(await passwordIs(START)).toBe(true);
        // The password is checked first: a wrong one never reveals whether the code was right.
        await expectCode(change({ current: 'Wrong-Passw0rd', next: 'Correct-Horse-42', securityCode: CODE }), 'PASSWORD_WRONG');
        await change({ next: 'Correct-Horse-42', securityCode: CODE });
        expect(await passwordIs('Correct-Horse-42')).toBe(true);
      });

      it('throttles wrong codes like passwords: AUTH_THROTTLED after auth.max_failures, even for the right code', async () => {
        await f.setPolicy('auth.max_failures', 3);
        for (let i = 0; i < 3; i++) {
          await expectCode(change({ next: 'Correct-Horse-42', securityCode: `wrong-code-${i}` }), 'SECURITY_CODE_WRONG');
        }
        await expectCode(change({ next: 'Correct-Horse-42', securityCode: CODE }), 'AUTH_THROTTLED');
        await expectCode(f.security.accountSecurity.verifySecurityCode({ account: alice, code: CODE, ip: IP }), 'AUTH_THROTTLED');
        expect(await passwordIs(START)).toBe(true);
        f.clock.advance(60_000);
        await change({ next: 'Correct-Horse-42', securityCode: CODE });
        expect(await passwordIs('Correct-Horse-42')).toBe(true);
      });

      it('is not asked for when the admin switch is off', async () => {
        await f.setPolicy('security_code.enabled', false);
        expect(await f.security.accountSecurity.securityCodeRequired(alice)).toBe(false);
        await change({ next: 'Correct-Horse-42' });
        expect(await passwordIs('Correct-Horse-42')).toBe(true);
      });
    });
  });

  it('setPasswordByAdmin applies the strength rules, audits password.set_by_admin and revokes sessions', async () => {
    f.clock.advance(1000);
    await expectCode(f.security.accountSecurity.setPasswordByAdmin({ address: alice.address, password: 'short', by: { actor: 'admin:cli' } }), 'PASSWORD_TOO_SHORT');
    const row = await f.security.accountSecurity.setPasswordByAdmin({ address: alice.address.toUpperCase(), password: 'Correct-Horse-42', by: { actor: 'admin:cli' }, mustChange: true });
    expect(row).toMatchObject({ mustChangePassword: true, sessionsValidAfter: 0, passwordSessionsValidAfter: f.clock.t });
    expect(await passwordIs('Correct-Horse-42')).toBe(true);
    const [entry] = await f.security.audit.list({ accountId: alice.id });
    expect(entry).toMatchObject({ action: 'password.set_by_admin', actor: 'admin:cli', details: {} });
    expect(JSON.stringify(entry)).not.toContain('Correct-Horse-42');
    await f.settle();
    expect(f.eventsOf('PasswordChanged')).toHaveLength(1);
    expect(f.eventsOf('SessionsRevoked')).toEqual([{ type: 'SessionsRevoked', at: f.clock.t, accountId: alice.id, scope: 'password' }]);
  });

  describe('setSecurityCode', () => {
    it('needs the account password', async () => {
      await expectCode(f.security.accountSecurity.setSecurityCode({ account: alice, password: 'Wrong-Passw0rd', code: 'abcdef', by: USER }), 'PASSWORD_WRONG');
      expect((await stored()).security_code_hash).toBeNull();
      expect(f.eventsOf('SecurityCodeChanged')).toEqual([]);
    });

    it('accepts 6 to 64 characters only, and not the password itself', async () => {
      const set = (code: string) => f.security.accountSecurity.setSecurityCode({ account: alice, password: START, code, by: USER });
      await expectCode(set('12345'), 'INVALID_INPUT');
      await expectCode(set('x'.repeat(65)), 'INVALID_INPUT');
      await expectCode(set(START), 'INVALID_INPUT');
      expect((await stored()).security_code_hash).toBeNull();
      await set('123456');
      expect(await f.hasher.verify((await stored()).security_code_hash!, '123456')).toBe(true);
      await set('y'.repeat(64));
      expect(await f.hasher.verify((await stored()).security_code_hash!, 'y'.repeat(64))).toBe(true);
    });

    it('stores only an argon2id hash, audits security_code.set and emits SecurityCodeChanged', async () => {
      const code = 'secret-code-97531';
      f.clock.advance(10);
      await f.security.accountSecurity.setSecurityCode({ account: alice, password: START, code, by: USER });
      const hash = (await stored()).security_code_hash!;
      expect(hash.startsWith('$argon2id$')).toBe(true);
      expect(hash).not.toContain(code);
      expect(await f.hasher.verify(hash, code)).toBe(true);
      expect(await f.hasher.verify(hash, 'secret-code-97532')).toBe(false);
      const [entry] = await f.security.audit.list({ accountId: alice.id });
      expect(entry).toMatchObject({ action: 'security_code.set', actor: USER.actor, ip: IP });
      expect(JSON.stringify(entry)).not.toContain(code);
      expect(JSON.stringify(entry)).not.toContain(hash);
      await f.settle();
      expect(f.eventsOf('SecurityCodeChanged')).toEqual([{ type: 'SecurityCodeChanged', at: f.clock.t, accountId: alice.id, address: alice.address }]);
    });
  });

  describe('setServices', () => {
    it('persists the switches, audits before/after and emits ServicesChanged', async () => {
      expect(await f.security.accountSecurity.setServices({ account: alice, changes: { imap: false, pop3: false }, by: USER })).toEqual({
        smtp: true,
        imap: false,
        pop3: false,
      });
      const row = await f.reload(alice);
      expect(row).toMatchObject({ smtpEnabled: true, imapEnabled: false, pop3Enabled: false });
      const [entry] = await f.security.audit.list({ accountId: alice.id });
      expect(entry).toMatchObject({
        action: 'services.changed',
        actor: USER.actor,
        ip: IP,
        details: { before: { smtp: true, imap: true, pop3: true }, after: { smtp: true, imap: false, pop3: false } },
      });
      await f.settle();
      expect(f.eventsOf('ServicesChanged')).toEqual([
        { type: 'ServicesChanged', at: T0, accountId: alice.id, address: alice.address, services: { smtp: true, imap: false, pop3: false } },
      ]);

      await f.security.accountSecurity.setServices({ account: row, changes: { pop3: true }, by: USER });
      expect(await f.reload(alice)).toMatchObject({ smtpEnabled: true, imapEnabled: false, pop3Enabled: true });
    });

    it('writes no audit entry and no event when nothing changes', async () => {
      const auditBefore = await f.security.audit.list({ accountId: alice.id });
      expect(await f.security.accountSecurity.setServices({ account: alice, changes: { smtp: true, imap: true }, by: USER })).toEqual({
        smtp: true,
        imap: true,
        pop3: true,
      });
      expect(await f.security.audit.list({ accountId: alice.id })).toEqual(auditBefore);
      await f.settle();
      expect(f.eventsOf('ServicesChanged')).toEqual([]);
    });
  });

  describe('setPasswordHint', () => {
    const setHint = (hint: string) => f.security.accountSecurity.setPasswordHint({ account: alice, hint, by: USER });

    it('is FORBIDDEN while password.hints_enabled is off (the default)', async () => {
      await expectCode(setHint('the usual one'), 'FORBIDDEN');
      expect((await f.reload(alice)).passwordHint).toBeNull();
    });

    it('refuses the password itself and more than 100 characters; stores, audits and removes', async () => {
      await f.setPolicy('password.hints_enabled', true);
      await expectCode(setHint(START), 'INVALID_INPUT');
      await expectCode(setHint(`  ${START}  `), 'INVALID_INPUT');
      await expectCode(setHint('h'.repeat(101)), 'TOO_BIG');
      expect((await f.reload(alice)).passwordHint).toBeNull();
      await setHint('h'.repeat(100));
      expect((await f.reload(alice)).passwordHint).toBe('h'.repeat(100));
      const [entry] = await f.security.audit.list({ accountId: alice.id });
      expect(entry).toMatchObject({ action: 'password.hint_changed', details: { set: true } });
      expect(JSON.stringify(entry)).not.toContain('h'.repeat(100));
      await setHint('');
      expect((await f.reload(alice)).passwordHint).toBeNull();
    });
  });

  describe('disable and enable', () => {
    it('disable sets status and reason, moves sessions_valid_after, audits and emits AccountDisabled + SessionsRevoked', async () => {
      f.clock.advance(2000);
      const at = f.clock.t;
      await expectCode(f.security.accountSecurity.disable({ address: alice.address, reason: '   ', by: { actor: 'admin:cli' } }), 'INVALID_INPUT');
      await f.security.accountSecurity.disable({ address: alice.address, reason: 'left the company', by: { actor: 'admin:cli', ip: IP } });
      const row = await f.reload(alice);
      expect(row).toMatchObject({ status: 'disabled', disabledReason: 'left the company', disabledAt: at, sessionsValidAfter: at });
      const [entry] = await f.security.audit.list({ accountId: alice.id });
      expect(entry).toMatchObject({
        action: 'account.disabled',
        actor: 'admin:cli',
        ip: IP,
        details: { before: 'active', after: 'disabled', reason: 'left the company' },
      });
      await f.settle();
      expect(f.eventsOf('AccountDisabled')).toEqual([{ type: 'AccountDisabled', at, accountId: alice.id, address: alice.address, reason: 'left the company' }]);
      expect(f.eventsOf('SessionsRevoked')).toEqual([{ type: 'SessionsRevoked', at, accountId: alice.id, scope: 'all' }]);
      const login = await f.security.authenticate({ protocol: 'imap', username: alice.address, secret: START, remoteIp: IP, tls: true });
      expect(login).toMatchObject({ ok: false, code: 'ACCOUNT_DISABLED' });

      f.clock.advance(1000);
      await f.security.accountSecurity.enable({ address: alice.address, by: { actor: 'admin:cli' } });
      expect(await f.reload(alice)).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null });
      const [enabled] = await f.security.audit.list({ accountId: alice.id });
      expect(enabled).toMatchObject({
        action: 'account.enabled',
        actor: 'admin:cli',
        details: { before: 'disabled', reason: 'left the company', after: 'active' },
      });
      await f.settle();
      expect(f.eventsOf('AccountEnabled')).toEqual([{ type: 'AccountEnabled', at: f.clock.t, accountId: alice.id, address: alice.address }]);
      expect((await f.security.authenticate({ protocol: 'imap', username: alice.address, secret: START, remoteIp: IP, tls: true })).ok).toBe(true);
    });

    it('revokeSessions moves sessions_valid_after only, audits sessions.revoked and emits SessionsRevoked', async () => {
      f.clock.advance(3000);
      await f.security.accountSecurity.revokeSessions({ account: alice, by: USER });
      const row = await f.reload(alice);
      expect(row).toMatchObject({ status: 'active', sessionsValidAfter: f.clock.t, passwordSessionsValidAfter: alice.passwordSessionsValidAfter });
      const [entry] = await f.security.audit.list({ accountId: alice.id });
      expect(entry).toMatchObject({ action: 'sessions.revoked', actor: USER.actor, ip: IP });
      await f.settle();
      expect(f.eventsOf('SessionsRevoked')).toEqual([{ type: 'SessionsRevoked', at: f.clock.t, accountId: alice.id, scope: 'all' }]);
    });
  });
});
