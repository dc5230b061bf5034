// "Forgot password" over a real store: one answer for every address, single-use expiring links, the second factor still asked, every session revoked.
import { Secret, TOTP, URI } from 'otpauth';
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { isMailwardError } from '../../errors/index.js';
import type { MailwardEvent } from '../../shared-state/index.js';
import type { Store } from '../../store/index.js';
import { AccountSecurity } from '../account-security.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import type { RecordingMailer, RecoveryServices } from '../../../test/support/recovery-fixture.js';
import { RECOVERY_BASE_URL, mailedSecrets, recordingMailer, recoveryServices, verifyAlternate } from '../../../test/support/recovery-fixture.js';
import {
  PASSWORD_RESET_LINK_PATH,
  PASSWORD_RESET_REQUESTED,
  PASSWORD_RESET_TTL_MS,
  RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
  RESET_REQUESTS_PER_IP_PER_HOUR,
  PasswordReset,
} from './password-reset.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const BOB = `bob@${FIXTURE_DOMAIN}`;
const ALICE_HOME = 'alice.home@elsewhere.test';
const BOB_HOME = 'bob.home@elsewhere.test';
const IP = '198.51.100.20';
const NEW_PASSWORD = 'Correct-Horse-Battery-9';
const STEP_MS = 30_000;

function appCode(base32: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

describeOnEveryDialect('password reset', securityFixture(), (f) => {
  let mailer: RecordingMailer;
  let s: RecoveryServices;
  let alice: Account;

  beforeEach(async () => {
    mailer = recordingMailer();
    s = recoveryServices(f, { mailer });
    alice = await f.addUser('alice');
    await verifyAlternate(s, mailer, alice, ALICE_HOME);
    mailer.sent.length = 0;
    f.received.length = 0;
  });

  async function request(address: string, ip = IP): Promise<unknown> {
    const answer = await s.passwordReset.request({ address, ip, baseUrl: `${RECOVERY_BASE_URL}/` });
    await s.passwordReset.idle();
    return answer;
  }

  /** Requests a link for alice and returns its token. */
  async function aliceToken(): Promise<string> {
    await request(ALICE);
    return mailedSecrets(mailer, ALICE_HOME).token;
  }

  async function fresh(account: Account = alice): Promise<Account> {
    return (await accountRecords(f.store).findById(account.id))!;
  }

  async function signsIn(address: string, password: string): Promise<boolean> {
    return (await f.login({ username: address, secret: password, remoteIp: '192.0.2.99' })).ok;
  }

  it('mails a single-use link to the verified alternate email, and the link resets the password', async () => {
    expect(await request(ALICE)).toBe(PASSWORD_RESET_REQUESTED);
    expect(mailer.sent.map((m) => m.to)).toEqual([ALICE_HOME]);
    const { link, token } = mailedSecrets(mailer, ALICE_HOME);
    expect(link).toBe(`${RECOVERY_BASE_URL}${PASSWORD_RESET_LINK_PATH}#token=${token}`);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(mailer.sent[0]!.text).toContain(IP);
    expect(JSON.stringify(await f.query('select * from password_reset_tokens'))).not.toContain(token);

    expect(await s.passwordReset.check(token)).toEqual({ valid: true, address: ALICE, secondFactorRequired: false, expiresAt: f.clock() + PASSWORD_RESET_TTL_MS });
    f.advance(60_000);
    expect(await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP })).toEqual({ address: ALICE });
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(true);
    expect(await signsIn(ALICE, FIXTURE_PASSWORD)).toBe(false);

    // Used once: the same link neither checks nor resets again.
    expect(await s.passwordReset.check(token)).toEqual({ valid: false });
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: 'Another-Passw0rd-here', ip: IP }))).toBe('NOT_FOUND');
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(true);
    const actions = (await f.security.audit.list({ accountId: alice.id })).map((e) => e.action);
    expect(actions).toContain('password.reset_requested');
    expect(actions).toContain('password.reset');
  });

  it('revokes every session and clears device trust, and says so on the bus', async () => {
    const signedIn = await f.security.webSessions.signIn({ username: ALICE, password: FIXTURE_PASSWORD, ip: IP, userAgent: 'Firefox', tls: true });
    if (signedIn.kind !== 'signed_in') throw new Error(`sign-in: ${signedIn.kind}`);
    expect((await f.security.webSessions.resume(signedIn.sessionToken)).account.id).toBe(alice.id);
    const token = await aliceToken();
    f.advance(60_000);
    const at = f.clock();
    await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP });
    expect(await codeOf(f.security.webSessions.resume(signedIn.sessionToken))).toBe('SIGN_IN_REQUIRED');
    const account = await fresh();
    expect(account.sessionsValidAfter).toBe(at);
    expect(account.passwordSessionsValidAfter).toBe(at);
    expect(account.trustValidAfter).toBe(at);
    expect(account.passwordChangedAt).toBe(at);
    const events = f.received.filter((e) => e.type === 'SessionsRevoked' || e.type === 'PasswordChanged');
    expect(events).toContainEqual({ type: 'SessionsRevoked', at, accountId: alice.id, scope: 'all' });
    expect(events).toContainEqual({ type: 'PasswordChanged', at, accountId: alice.id, address: ALICE, actor: `user:${ALICE}` } satisfies MailwardEvent);
  });

  it('spends nothing when the password write fails: the old password and the link still work', async () => {
    const token = await aliceToken();
    // The same store, but every transaction fails at its audit insert, after the link and the password were written in it.
    const failing: Store = {
      ...f.store,
      transaction: (work) => f.store.transaction((tx) => work({ ...tx, audit: { ...tx.audit, append: () => Promise.reject(new Error('audit insert failed')) } })),
    };
    const { throttle, audit, twoFactor } = f.security;
    const accountSecurity = new AccountSecurity({ store: failing, accounts: f.accounts, hasher: f.hasher, policies: f.policies, throttle, audit, events: f.events, now: f.clock });
    const failingReset = new PasswordReset({ store: f.store, accounts: f.accounts, accountSecurity, twoFactor, alternateEmail: s.alternateEmail, mailer, audit, key: f.key, now: f.clock });
    await expect(failingReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP })).rejects.toThrow('audit insert failed');
    expect(await signsIn(ALICE, FIXTURE_PASSWORD)).toBe(true);
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(false);
    expect(f.received.filter((e) => e.type === 'PasswordChanged' || e.type === 'SessionsRevoked')).toEqual([]);

    expect(await s.passwordReset.check(token)).toMatchObject({ valid: true });
    await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP });
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(true);
  });

  it('gives the same answer, and mails nothing, for an unknown, a disabled, an unverified and a non-address', async () => {
    await f.addUser('bob');
    const carol = await f.addUser('carol');
    await f.addUser('dave');
    await verifyAlternate(s, mailer, carol, 'carol.home@elsewhere.test');
    await f.accounts.disable(`carol@${FIXTURE_DOMAIN}`, 'left the company');
    // Dave added an alternate email but never verified it.
    await s.alternateEmail.add({ account: await f.accounts.getUser(`dave@${FIXTURE_DOMAIN}`), address: 'dave.home@elsewhere.test', password: FIXTURE_PASSWORD, baseUrl: RECOVERY_BASE_URL, by: { actor: 'user:dave' } });
    mailer.sent.length = 0;
    const answers = [];
    for (const address of [`nobody@${FIXTURE_DOMAIN}`, 'someone@elsewhere.test', `carol@${FIXTURE_DOMAIN}`, BOB, `dave@${FIXTURE_DOMAIN}`, 'not an address']) {
      answers.push(await request(address, `192.0.2.${answers.length + 1}`));
    }
    expect(mailer.sent).toEqual([]);
    for (const answer of answers) expect(answer).toBe(PASSWORD_RESET_REQUESTED);
    // And that answer is also what an account that was sent a link gets.
    expect(await request(ALICE)).toStrictEqual(answers[0]);
    expect(mailer.sent).toHaveLength(1);
    expect(await f.query('select * from password_reset_tokens')).toHaveLength(1);
  });

  it('expires a link after 30 minutes', async () => {
    const token = await aliceToken();
    f.advance(PASSWORD_RESET_TTL_MS);
    expect(await s.passwordReset.check(token)).toEqual({ valid: false });
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP }))).toBe('NOT_FOUND');
    expect(await signsIn(ALICE, FIXTURE_PASSWORD)).toBe(true);
  });

  it("a link resets only its own account: bob's link leaves alice's password alone", async () => {
    const bob = await f.addUser('bob');
    await verifyAlternate(s, mailer, bob, BOB_HOME);
    const aliceLink = await aliceToken();
    await request(BOB);
    const bobLink = mailedSecrets(mailer, BOB_HOME).token;
    expect(await s.passwordReset.complete({ token: bobLink, newPassword: NEW_PASSWORD, ip: IP })).toEqual({ address: BOB });
    expect(await signsIn(ALICE, FIXTURE_PASSWORD)).toBe(true);
    expect(await signsIn(BOB, NEW_PASSWORD)).toBe(true);
    expect((await fresh()).sessionsValidAfter).toBe(0);
    // The store refuses to consume a token for another account than its own.
    const [row] = await f.query<{ token_hash: string }>('select token_hash from password_reset_tokens where account_id = ?', [alice.id]);
    expect(await f.store.passwordResets.consume(row!.token_hash, { accountId: bob.id, now: f.clock() })).toBe(false);
    expect(await s.passwordReset.check(aliceLink)).toMatchObject({ valid: true, address: ALICE });
  });

  it('checks the strength before spending the link', async () => {
    const token = await aliceToken();
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: 'short', ip: IP }))).toBe('PASSWORD_TOO_SHORT');
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: 'alice-Secret-2024', ip: IP }))).toBe('PASSWORD_CONTAINS_NAME');
    expect(await s.passwordReset.check(token)).toMatchObject({ valid: true });
    await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP });
  });

  it('a password set after the link was mailed voids it', async () => {
    const token = await aliceToken();
    f.advance(1000);
    await f.security.accountSecurity.setPasswordByAdmin({ address: ALICE, password: 'Admin-Chosen-Pass-1', by: { actor: 'admin:cli' } });
    expect(await s.passwordReset.check(token)).toEqual({ valid: false });
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP }))).toBe('NOT_FOUND');
  });

  it('voids the other links of the account once one was used', async () => {
    const first = await aliceToken();
    f.advance(1000);
    const second = await aliceToken();
    expect(second).not.toBe(first);
    await s.passwordReset.complete({ token: second, newPassword: NEW_PASSWORD, ip: IP });
    expect(await s.passwordReset.check(first)).toEqual({ valid: false });
  });

  it('still asks for the second factor when two-factor sign-in is on', async () => {
    const enrolment = await f.security.twoFactor.beginEnrolment({ account: alice, password: FIXTURE_PASSWORD, by: { actor: `user:${ALICE}` } });
    const base32 = (URI.parse(enrolment.uri) as TOTP).secret.base32;
    await f.security.twoFactor.confirmEnrolment({ account: alice, code: appCode(base32, f.clock()), by: { actor: `user:${ALICE}` } });
    const token = await aliceToken();
    expect(await s.passwordReset.check(token)).toMatchObject({ valid: true, secondFactorRequired: true });

    expect(await codeOf(s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, ip: IP }))).toBe('OTP_REQUIRED');
    f.advance(STEP_MS);
    const right = appCode(base32, f.clock());
    const wrong = right === '000000' ? '000001' : '000000';
    expect(await codeOf(s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, secondFactor: { kind: 'code', code: wrong }, ip: IP }))).toBe('OTP_FAILED');
    // Neither refusal spent the link or changed the password.
    expect(await s.passwordReset.check(token)).toMatchObject({ valid: true });
    expect(await signsIn(ALICE, FIXTURE_PASSWORD)).toBe(true);

    await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, secondFactor: { kind: 'code', code: right }, ip: IP });
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(true);
  });

  it('accepts a passkey the route verified in place of a code', async () => {
    await f.store.accounts.update(alice.id, { two_factor_enabled: 1 });
    const token = await aliceToken();
    await s.passwordReset.complete({ token, newPassword: NEW_PASSWORD, secondFactor: { kind: 'passkey_verified' }, ip: IP });
    expect(await signsIn(ALICE, NEW_PASSWORD)).toBe(true);
  });

  it('limits requests per address, whether or not the account exists', async () => {
    for (const address of [ALICE, `nobody@${FIXTURE_DOMAIN}`]) {
      for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS_PER_HOUR; i++) expect(await request(address, `192.0.2.${i + 1}`)).toBe(PASSWORD_RESET_REQUESTED);
      const limited = await s.passwordReset.request({ address, ip: '192.0.2.200', baseUrl: RECOVERY_BASE_URL }).catch((e: unknown) => e);
      expect(isMailwardError(limited, 'LIMIT')).toBe(true);
      expect((limited as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds).toBeGreaterThan(0);
    }
    expect(mailer.to(ALICE_HOME)).toHaveLength(RESET_REQUESTS_PER_ADDRESS_PER_HOUR);
    f.advance(3600_000);
    expect(await request(ALICE)).toBe(PASSWORD_RESET_REQUESTED);
    expect(mailer.to(ALICE_HOME)).toHaveLength(RESET_REQUESTS_PER_ADDRESS_PER_HOUR + 1);
  });

  it('limits requests per client IP across addresses', async () => {
    for (let i = 0; i < RESET_REQUESTS_PER_IP_PER_HOUR; i++) await request(`user${i}@${FIXTURE_DOMAIN}`);
    expect(await codeOf(request(ALICE))).toBe('LIMIT');
    expect(mailer.sent).toEqual([]);
    expect(await request(ALICE, '192.0.2.55')).toBe(PASSWORD_RESET_REQUESTED);
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses a base URL that could carry the token elsewhere', async () => {
    for (const baseUrl of ['mail.example.test', 'javascript:alert(1)', 'https://user:pw@mail.example.test', 'https://mail.example.test/?next=x']) {
      expect(await codeOf(s.passwordReset.request({ address: ALICE, ip: IP, baseUrl }))).toBe('CONFIG_INVALID');
    }
  });

  it('logs a failed mailing without telling the requester', async () => {
    const errors: unknown[] = [];
    s = recoveryServices(f, { mailer, onError: (e) => errors.push(e) });
    mailer.failFor.add(ALICE_HOME);
    expect(await request(ALICE)).toBe(PASSWORD_RESET_REQUESTED);
    expect(errors).toHaveLength(1);
  });
});
