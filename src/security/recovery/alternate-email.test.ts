// The alternate email over a real store: adding with the password, verifying by code or link, expiry, single use, guessing, changing and removing.
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { isMailwardError } from '../../errors/index.js';
import type { MailwardEvent } from '../../shared-state/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import type { RecordingMailer, RecoveryServices } from '../../../test/support/recovery-fixture.js';
import { RECOVERY_BASE_URL, mailedSecrets, recordingMailer, recoveryServices } from '../../../test/support/recovery-fixture.js';
import { ALTERNATE_EMAIL_LINK_PATH, ALTERNATE_EMAIL_MAILS_PER_HOUR, ALTERNATE_EMAIL_MAX_ATTEMPTS, ALTERNATE_EMAIL_TTL_MS } from './alternate-email.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const HOME = 'alice.home@elsewhere.test';
const WORK = 'alice@work.test';
const IP = '203.0.113.10';

describeOnEveryDialect('alternate email', securityFixture(), (f) => {
  let mailer: RecordingMailer;
  let s: RecoveryServices;
  let alice: Account;
  const by = { actor: `user:${ALICE}`, ip: IP };

  beforeEach(async () => {
    mailer = recordingMailer();
    s = recoveryServices(f, { mailer });
    alice = await f.addUser('alice');
  });

  function add(address: string, password = FIXTURE_PASSWORD): Promise<{ address: string; expiresAt: number }> {
    return s.alternateEmail.add({ account: alice, address, password, baseUrl: RECOVERY_BASE_URL, by });
  }

  function changes(): Array<Extract<MailwardEvent, { type: 'AlternateEmailChanged' }>> {
    return f.received.filter((e): e is Extract<MailwardEvent, { type: 'AlternateEmailChanged' }> => e.type === 'AlternateEmailChanged');
  }

  async function auditActions(): Promise<string[]> {
    return (await f.security.audit.list({ accountId: alice.id })).map((e) => e.action).reverse();
  }

  it('mails a code and a link to the new address, which does not count before it is verified', async () => {
    expect(await add('Alice.Home@ELSEWHERE.test')).toEqual({ address: HOME, expiresAt: f.clock() + ALTERNATE_EMAIL_TTL_MS });
    expect(mailer.sent).toHaveLength(1);
    const { code, link, token } = mailedSecrets(mailer, HOME);
    expect(code).toMatch(/^\d{8}$/);
    expect(link).toBe(`${RECOVERY_BASE_URL}${ALTERNATE_EMAIL_LINK_PATH}#token=${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mailer.sent[0]!.text).toContain(ALICE);

    expect(await s.alternateEmail.status(alice)).toEqual({ address: null, verifiedAt: null, pending: { address: HOME, expiresAt: f.clock() + ALTERNATE_EMAIL_TTL_MS } });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBeNull();
    expect(changes()).toEqual([]);
    expect(await auditActions()).toEqual(['alternate_email.requested']);

    // Only keyed hashes are stored: neither the code nor the token appears in the table.
    const stored = JSON.stringify(await f.query('select * from alternate_emails'));
    expect(stored).not.toContain(code!);
    expect(stored).not.toContain(token);
  });

  it('verifies by the code, once: the code and the link of that mail then no longer work', async () => {
    await add(HOME);
    const { code, token } = mailedSecrets(mailer, HOME);
    f.advance(60_000);
    const status = await s.alternateEmail.verifyCode({ account: alice, code: `${code!.slice(0, 4)} ${code!.slice(4)}`, by });
    expect(status).toEqual({ address: HOME, verifiedAt: f.clock(), pending: null });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(HOME);
    expect(changes()).toEqual([
      { type: 'AlternateEmailChanged', at: f.clock(), accountId: alice.id, address: ALICE, alternate: HOME, previous: null, actor: by.actor },
    ]);
    expect(await auditActions()).toEqual(['alternate_email.requested', 'alternate_email.verified']);

    expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: code!, by }))).toBe('NOT_FOUND');
    expect(await codeOf(s.alternateEmail.verifyLink({ token }))).toBe('NOT_FOUND');
    expect(changes()).toHaveLength(1);
  });

  it('verifies by the link in any browser, once', async () => {
    await add(HOME);
    const { token, code } = mailedSecrets(mailer, HOME);
    expect(await s.alternateEmail.verifyLink({ token, ip: '198.51.100.7' })).toEqual({ account: ALICE, address: HOME });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(HOME);
    expect(await codeOf(s.alternateEmail.verifyLink({ token }))).toBe('NOT_FOUND');
    expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: code!, by }))).toBe('NOT_FOUND');
    expect((await f.security.audit.list({ accountId: alice.id }))[0]).toMatchObject({ action: 'alternate_email.verified', ip: '198.51.100.7' });
  });

  it('refuses malformed and unknown link tokens without finding anything', async () => {
    await add(HOME);
    const { token } = mailedSecrets(mailer, HOME);
    const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of ['', 'short', `${token}x`, other]) expect(await codeOf(s.alternateEmail.verifyLink({ token: bad }))).toBe('NOT_FOUND');
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBeNull();
  });

  it('expires the code and the link after 30 minutes', async () => {
    await add(HOME);
    const { token, code } = mailedSecrets(mailer, HOME);
    f.advance(ALTERNATE_EMAIL_TTL_MS);
    expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: code!, by }))).toBe('NOT_FOUND');
    expect(await codeOf(s.alternateEmail.verifyLink({ token }))).toBe('NOT_FOUND');
    expect(await s.alternateEmail.status(alice)).toEqual({ address: null, verifiedAt: null, pending: null });
  });

  it('a new request replaces the pending code: the first mail no longer verifies', async () => {
    await add(HOME);
    const first = mailedSecrets(mailer, HOME);
    await add(HOME);
    const second = mailedSecrets(mailer, HOME);
    expect(second.token).not.toBe(first.token);
    expect(await codeOf(s.alternateEmail.verifyLink({ token: first.token }))).toBe('NOT_FOUND');
    if (first.code !== second.code) expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: first.code!, by }))).toBe('OTP_FAILED');
    await s.alternateEmail.verifyCode({ account: alice, code: second.code!, by });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(HOME);
  });

  it('counts wrong codes: a few void the pending address, and the throttle blocks even the right code', async () => {
    await add(HOME);
    const { code, token } = mailedSecrets(mailer, HOME);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < ALTERNATE_EMAIL_MAX_ATTEMPTS; i++) {
      expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: wrong, by }))).toBe('OTP_FAILED');
    }
    const blocked = await s.alternateEmail.verifyCode({ account: alice, code: code!, by }).catch((e: unknown) => e);
    expect(isMailwardError(blocked, 'AUTH_THROTTLED')).toBe(true);
    expect((blocked as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds).toBeGreaterThan(0);
    // Once the block is over the code is still no good: the pending verification was voided.
    f.advance(16 * 60_000);
    expect(await codeOf(s.alternateEmail.verifyCode({ account: alice, code: code!, by }))).toBe('NOT_FOUND');
    expect(await codeOf(s.alternateEmail.verifyLink({ token }))).toBe('NOT_FOUND');
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBeNull();
  });

  it('still accepts the right code after fewer wrong ones than the limit', async () => {
    await add(HOME);
    const { code } = mailedSecrets(mailer, HOME);
    const wrong = code === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < ALTERNATE_EMAIL_MAX_ATTEMPTS - 1; i++) await codeOf(s.alternateEmail.verifyCode({ account: alice, code: wrong, by }));
    expect((await s.alternateEmail.verifyCode({ account: alice, code: code!, by })).address).toBe(HOME);
  });

  it('needs the account password to add or change, and mails nothing without it', async () => {
    expect(await codeOf(add(HOME, 'not the password'))).toBe('PASSWORD_WRONG');
    expect(mailer.sent).toEqual([]);
    expect(await s.alternateEmail.status(alice)).toEqual({ address: null, verifiedAt: null, pending: null });
  });

  it('changing keeps the verified address in force until the new one is verified', async () => {
    await add(HOME);
    await s.alternateEmail.verifyLink({ token: mailedSecrets(mailer, HOME).token });
    await add(WORK);
    expect(await s.alternateEmail.status(alice)).toMatchObject({ address: HOME, pending: { address: WORK } });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(HOME);
    await s.alternateEmail.verifyLink({ token: mailedSecrets(mailer, WORK).token });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(WORK);
    expect(changes().map((e) => [e.alternate, e.previous])).toEqual([
      [HOME, null],
      [WORK, HOME],
    ]);
    expect(await codeOf(add(WORK))).toBe('EXISTS');
  });

  it("refuses the account's own address and its aliases", async () => {
    await f.accounts.addAlias(`alice.alias@${FIXTURE_DOMAIN}`, ALICE);
    expect(await codeOf(add(ALICE))).toBe('INVALID_INPUT');
    expect(await codeOf(add(`ALICE.alias@${FIXTURE_DOMAIN}`))).toBe('INVALID_INPUT');
    expect(await codeOf(add('not an address'))).toBe('INVALID_ADDRESS');
    expect(mailer.sent).toEqual([]);
    // Another local account is outside this one: allowed.
    await f.addUser('bob');
    await add(`bob@${FIXTURE_DOMAIN}`);
    expect(mailer.to(`bob@${FIXTURE_DOMAIN}`)).toHaveLength(1);
  });

  it('limits verification mails per hour', async () => {
    for (let i = 0; i < ALTERNATE_EMAIL_MAILS_PER_HOUR; i++) await add(`a${i}@elsewhere.test`);
    expect(await codeOf(add('one.more@elsewhere.test'))).toBe('LIMIT');
    expect(mailer.sent).toHaveLength(ALTERNATE_EMAIL_MAILS_PER_HOUR);
    f.advance(3600_000);
    await add('one.more@elsewhere.test');
    expect(mailer.sent).toHaveLength(ALTERNATE_EMAIL_MAILS_PER_HOUR + 1);
  });

  it('removes with the password only, and says which address stopped counting', async () => {
    await add(HOME);
    await s.alternateEmail.verifyLink({ token: mailedSecrets(mailer, HOME).token });
    expect(await codeOf(s.alternateEmail.remove({ account: alice, password: 'wrong', by }))).toBe('PASSWORD_WRONG');
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBe(HOME);
    await s.alternateEmail.remove({ account: alice, password: FIXTURE_PASSWORD, by });
    expect(await s.alternateEmail.verifiedAddress(alice.id)).toBeNull();
    expect(changes().at(-1)).toMatchObject({ alternate: null, previous: HOME });
    expect((await auditActions()).at(-1)).toBe('alternate_email.removed');
    expect(await codeOf(s.alternateEmail.remove({ account: alice, password: FIXTURE_PASSWORD, by }))).toBe('NOT_FOUND');
  });

  it('cancel drops a pending address and keeps the verified one', async () => {
    await add(HOME);
    await s.alternateEmail.verifyLink({ token: mailedSecrets(mailer, HOME).token });
    await add(WORK);
    await s.alternateEmail.cancel({ account: alice });
    expect(await s.alternateEmail.status(alice)).toMatchObject({ address: HOME, pending: null });
    expect(await codeOf(s.alternateEmail.verifyLink({ token: mailedSecrets(mailer, WORK).token }))).toBe('NOT_FOUND');
  });
});
