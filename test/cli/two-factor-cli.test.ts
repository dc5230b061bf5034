// `mailward user 2fa ADDRESS [reset]` as a child process: the admin sees an account's two-factor state and resets it for a user who lost every factor.
import { TOTP, URI } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, expectOneLineError, expectSuccess, lines, removeTempDataDirs, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

const ALICE = 'alice@example.org';
const PASSWORD = 'Tr0ub4dor&3-alpha';

interface StatusJSON {
  enabled: boolean;
  enabledAt: string | null;
  pending: boolean;
  backupCodes: { total: number; remaining: number; remind: boolean; createdAt: string | null };
  requirement: { required: boolean; graceEndsAt: string | null; mustEnroll: boolean };
}

describe('mailward user 2fa', () => {
  let data: string;
  /** Unused backup codes of alice's: each completes her second step once. */
  let backupCodes: string[] = [];
  const cli = (...args: string[]) => runCLI(args, { data });
  const status = async (): Promise<StatusJSON> => JSON.parse(expectSuccess(await cli('user', '2fa', ALICE, '--json'))) as StatusJSON;

  beforeAll(async () => {
    assertBuilt();
    data = tempDataDir('mailward-2fa-cli-');
    await withDataDir(data, async (app) => {
      await app.accounts.addDomain('example.org');
      const alice = await app.accounts.addUser({ address: ALICE, password: PASSWORD });
      const by = { actor: `user:${ALICE}`, ip: '198.51.100.1' };
      const enrolment = await app.security.twoFactor.beginEnrolment({ account: alice, password: PASSWORD, by });
      const secret = (URI.parse(enrolment.uri) as TOTP).secret;
      const code = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: app.now() });
      const enabled = await app.security.twoFactor.confirmEnrolment({ account: alice, code, by });
      await app.security.twoFactor.verify({ accountId: alice.id, code: enabled.backupCodes.codes[0]!, ip: by.ip });
      backupCodes = enabled.backupCodes.codes.slice(1);
    });
  });
  afterAll(() => removeTempDataDirs());

  it('shows whether two-factor sign-in is on and how many backup codes are left', async () => {
    const view = await status();
    expect(view).toMatchObject({ enabled: true, pending: false, backupCodes: { total: 10, remaining: 9, remind: false }, requirement: { required: false } });
    expect(Date.parse(view.enabledAt!)).not.toBeNaN();
    const table = lines(expectSuccess(await cli('user', '2fa', ALICE)));
    expect(table[0]!.split(/\s{2,}/)).toEqual(['ENABLED', 'SINCE', 'BACKUP CODES LEFT', 'REMIND', 'REQUIRED', 'GRACE ENDS']);
    expect(table[1]).toMatch(/^yes\s+\S+Z\s+9\/10\s+no\s+no\s*$/);
  });

  it('refuses an unknown action and an unknown account in one line, changing nothing', async () => {
    const [bad, nobody] = await Promise.all([cli('user', '2fa', ALICE, 'off'), cli('user', '2fa', 'nobody@example.org', 'reset')]);
    expectOneLineError(bad, { code: 1, matches: /unknown action "off" \(expected reset\)/ });
    expect(nobody.code).not.toBe(0);
    expect(lines(nobody.stderr)).toHaveLength(1);
    expect((await status()).enabled).toBe(true);
  });

  it('security blocks clear --account lifts the second step\'s block too (also named as listed, otp:ADDRESS), and the owner can finish signing in', async () => {
    const ip = '203.0.113.50';
    const blocked = await withDataDir(data, async (app) => {
      await app.policies.set('auth.max_failures', 2);
      const alice = await app.accounts.getUser(ALICE);
      const answers: string[] = [];
      for (const code of ['000000', '111111', backupCodes[0]!]) {
        answers.push(await app.security.twoFactor.verify({ accountId: alice.id, code, ip }).then(() => 'ok', (error: { code?: string }) => error.code ?? 'error'));
      }
      await app.security.flush();
      return answers;
    });
    // The right code is refused before it is looked at: the second step is blocked.
    expect(blocked).toEqual(['OTP_FAILED', 'OTP_FAILED', 'AUTH_THROTTLED']);
    const listed = JSON.parse(expectSuccess(await cli('security', 'blocks', 'list', '--json'))) as Array<{ account: string | null }>;
    expect(listed.map((b) => b.account)).toContain(`otp:${ALICE}`);

    expect(expectSuccess(await cli('security', 'blocks', 'clear', '--account', ALICE))).toMatch(/^[1-9]\d* block record\(s\) cleared\n$/);
    expect(JSON.parse(expectSuccess(await cli('security', 'blocks', 'list', '--json')))).toEqual([]);
    const [first, afterListedName] = await withDataDir(data, async (app) => {
      const alice = await app.accounts.getUser(ALICE);
      const verify = (code: string): Promise<string> =>
        app.security.twoFactor.verify({ accountId: alice.id, code, ip }).then(() => 'ok', (error: { code?: string }) => error.code ?? 'error');
      const result = await verify(backupCodes[0]!);
      // Blocked again, then cleared by the name `blocks list` shows.
      for (const code of ['000000', '111111']) await verify(code);
      await app.security.flush();
      return [result, await verify(backupCodes[1]!)];
    });
    expect([first, afterListedName]).toEqual(['ok', 'AUTH_THROTTLED']);
    expect(expectSuccess(await cli('security', 'blocks', 'clear', '--account', `otp:${ALICE}`))).toMatch(/^[1-9]\d* block record\(s\) cleared\n$/);
    await withDataDir(data, async (app) => {
      const alice = await app.accounts.getUser(ALICE);
      await expect(app.security.twoFactor.verify({ accountId: alice.id, code: backupCodes[1]!, ip })).resolves.toMatchObject({ method: 'backup_code' });
      expect(await app.security.throttle.blocks(app.now())).toEqual([]);
      await app.policies.set('auth.max_failures', 5);
      await app.security.flush();
    });
  });

  it('reset turns it off, deletes the secret and codes, signs every session out, and is audited as the admin', async () => {
    const out = expectSuccess(await cli('user', '2fa', ALICE, 'reset'));
    expect(out).toBe(`two-factor sign-in reset for ${ALICE} (was on; 10 backup codes deleted; every session signed out)\n`);
    expect(await status()).toMatchObject({ enabled: false, enabledAt: null, backupCodes: { total: 0, remaining: 0 } });
    await withDataDir(data, async (app) => {
      const alice = await app.accounts.getUser(ALICE);
      expect(alice.twoFactorEnabled).toBe(false);
      expect(await app.store.twoFactor.findTotp(alice.id)).toBeUndefined();
      const audit = await app.security.audit.list({ accountId: alice.id });
      const reset = audit.find((e) => e.action === 'two_factor.reset');
      expect(reset?.actor).toMatch(/^admin:cli:/);
      expect(reset?.details).toEqual({ wasEnabled: true, passkeysDeleted: 0 });
      expect(audit.some((e) => e.action === 'sessions.revoked' && e.actor === reset?.actor)).toBe(true);
      // Mail clients may use the account password again.
      expect((await app.security.authenticate({ protocol: 'imap', username: ALICE, secret: PASSWORD, remoteIp: '198.51.100.1', tls: true })).ok).toBe(true);
      await app.security.flush();
    });
  });
});
