// App passwords: generated, scoped, stored as keyed hashes, usable only by mail clients and only by their own account.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import type { Protocol } from '../../shared-state/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../../../test/support/security-fixture.js';
import type { AuthenticateResult } from '../gate/authenticate.js';
import { MAX_APP_PASSWORDS, looksLikeAppPassword, normalizeAppPassword, parseProtocols } from './app-passwords.js';
import { codeOf } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const BOB = `bob@${FIXTURE_DOMAIN}`;

function codeOfResult(result: AuthenticateResult): string {
  return result.ok ? 'OK' : result.code;
}

describe('app password text', () => {
  it('ignores spaces, hyphens and case', () => {
    expect(normalizeAppPassword('Abcd efgh-IJKL mnop')).toBe('abcdefghijklmnop');
    expect(looksLikeAppPassword('ABCD EFGH IJKL MNOP')).toBe(true);
    expect(looksLikeAppPassword('abcd-efgh-ijkl-mnop')).toBe(true);
  });

  it('tells app passwords from ordinary passwords by shape', () => {
    expect(looksLikeAppPassword('abcdefghijklmno')).toBe(false);
    expect(looksLikeAppPassword('abcdefghijklmnopq')).toBe(false);
    expect(looksLikeAppPassword('abcdefghijklmno1')).toBe(false);
    expect(looksLikeAppPassword(FIXTURE_PASSWORD)).toBe(false);
  });

  it('parses protocol lists strictly', () => {
    expect(parseProtocols('IMAP, smtp')).toEqual(['smtp', 'imap']);
    expect(parseProtocols(['pop3', 'pop3'])).toEqual(['pop3']);
    expect(() => parseProtocols('')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => parseProtocols('imap,web')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describeOnEveryDialect('app passwords', securityFixture(), (f) => {
  let alice: Account;
  beforeEach(async () => {
    alice = await f.addUser('alice');
  });

  async function create(protocols: string[], account: Account = alice): Promise<{ id: number; secret: string }> {
    const { appPassword, secret } = await f.security.appPasswords.create({ account, name: 'Phone', protocols, actor: `user:${account.address}`, ip: '192.0.2.1' });
    return { id: appPassword.id, secret };
  }

  it('is generated, shown once in groups of four, and stored only as a keyed hash', async () => {
    const { appPassword, secret } = await f.security.appPasswords.create({ account: alice, name: '  Thunder\u0007bird  ', protocols: 'imap,smtp', actor: `user:${ALICE}`, ip: '192.0.2.1' });
    expect(secret).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
    expect(appPassword).toEqual({
      id: appPassword.id,
      name: 'Thunderbird',
      protocols: ['smtp', 'imap'],
      createdAt: f.clock(),
      createdIp: '192.0.2.1',
      lastUsedAt: null,
      lastUsedIp: null,
    });
    const rows = await f.query<{ secret_hash: string }>('select secret_hash from app_passwords');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.secret_hash).not.toContain(normalizeAppPassword(secret));
    // Two app passwords never share a secret.
    const second = await create(['imap']);
    expect(normalizeAppPassword(second.secret)).not.toBe(normalizeAppPassword(secret));
    expect((await f.security.appPasswords.list(alice)).map((a) => a.id)).toEqual([appPassword.id, second.id]);
    expect(f.received.filter((e) => e.type === 'AppPasswordCreated')).toHaveLength(2);
  });

  it('refuses bad names and more than the maximum per account', async () => {
    expect(await codeOf(f.security.appPasswords.create({ account: alice, name: '  ', protocols: 'imap', actor: 'x' }))).toBe('INVALID_INPUT');
    expect(await codeOf(f.security.appPasswords.create({ account: alice, name: 'n'.repeat(101), protocols: 'imap', actor: 'x' }))).toBe('INVALID_INPUT');
    expect(await codeOf(f.security.appPasswords.create({ account: alice, name: 'ok', protocols: 'web', actor: 'x' }))).toBe('INVALID_INPUT');
    for (let i = 0; i < MAX_APP_PASSWORDS; i++) await create(['imap']);
    expect(await codeOf(create(['imap']))).toBe('LIMIT');
  });

  it('signs in on its protocols, is refused with APP_PASSWORD_SCOPE on others, and never works on the web', async () => {
    const { id, secret } = await create(['imap', 'smtp']);
    f.hasher.reset();
    for (const protocol of ['imap', 'smtp'] as Protocol[]) {
      expect(await f.login({ protocol, username: ALICE, secret })).toMatchObject({ ok: true, credential: 'app_password', appPasswordId: id });
    }
    // A keyed-hash lookup: no slow hash for a valid app password.
    expect(f.hasher.verifications()).toBe(0);
    const scope = await f.login({ protocol: 'pop3', username: ALICE, secret });
    expect(scope).toMatchObject({ ok: false, code: 'APP_PASSWORD_SCOPE', reason: 'app_password_scope' });
    const web = await f.login({ protocol: 'web', username: ALICE, secret });
    expect(web).toMatchObject({ ok: false, code: 'AUTH_FAILED', reason: 'bad_credentials' });
    await f.security.flush();
    const rows = await f.query<{ protocol: string; result: string; reason: string; credential: string | null }>(
      'select protocol, result, reason, credential from login_records order by id',
    );
    expect(rows).toEqual([
      { protocol: 'imap', result: 'success', reason: 'ok', credential: 'app_password' },
      { protocol: 'smtp', result: 'success', reason: 'ok', credential: 'app_password' },
      { protocol: 'pop3', result: 'failure', reason: 'app_password_scope', credential: 'app_password' },
      { protocol: 'web', result: 'failure', reason: 'bad_credentials', credential: null },
    ]);
  });

  it('is accepted with spaces, hyphens and upper case', async () => {
    const { secret } = await create(['imap']);
    for (const spelling of [secret, secret.toUpperCase(), secret.replace(/ /g, ''), secret.replace(/ /g, '-'), ` ${secret.toUpperCase()} `]) {
      expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret: spelling }))).toBe('OK');
    }
  });

  it('records when and from where it was last used', async () => {
    const { secret } = await create(['imap']);
    f.advance(3600_000);
    await f.login({ protocol: 'imap', username: ALICE, secret, remoteIp: '::ffff:198.51.100.4' });
    const [view] = await f.security.appPasswords.list(alice);
    expect(view).toMatchObject({ lastUsedAt: f.clock(), lastUsedIp: '198.51.100.4', createdIp: '192.0.2.1' });
    expect(view!.createdAt).toBe(f.clock() - 3600_000);
  });

  it('fails once revoked', async () => {
    const { id, secret } = await create(['imap']);
    expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret }))).toBe('OK');
    await f.security.appPasswords.revoke({ account: alice, id, actor: `user:${ALICE}` });
    expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret }))).toBe('AUTH_FAILED');
    expect(await f.security.appPasswords.list(alice)).toEqual([]);
    expect(await codeOf(f.security.appPasswords.revoke({ account: alice, id, actor: `user:${ALICE}` }))).toBe('NOT_FOUND');
  });

  it('belongs to one account: another account’s app password fails, and cannot be revoked by another account', async () => {
    const bob = await f.addUser('bob');
    const bobs = await create(['imap'], bob);
    expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret: bobs.secret }))).toBe('AUTH_FAILED');
    expect(codeOfResult(await f.login({ protocol: 'imap', username: BOB, secret: bobs.secret }))).toBe('OK');
    expect(await f.security.appPasswords.find(alice, bobs.secret)).toBeUndefined();
    expect(await codeOf(f.security.appPasswords.revoke({ account: alice, id: bobs.id, actor: `user:${ALICE}` }))).toBe('NOT_FOUND');
    expect(await f.security.appPasswords.list(bob)).toHaveLength(1);
  });

  it('is what mail clients must use when the policy requires app passwords', async () => {
    await f.policies.set('auth.require_app_passwords', true);
    const { secret } = await create(['imap', 'smtp', 'pop3']);
    for (const protocol of ['imap', 'smtp', 'pop3'] as Protocol[]) {
      expect(codeOfResult(await f.login({ protocol, username: ALICE, secret }))).toBe('OK');
      expect(codeOfResult(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD }))).toBe('APP_PASSWORD_REQUIRED');
    }
  });

  it('refuses a disabled account or a closed service even with a valid app password', async () => {
    const { secret } = await create(['imap', 'pop3']);
    await f.security.accountSecurity.setServices({ account: alice, changes: { pop3: false }, by: { actor: 'admin:cli' } });
    expect(codeOfResult(await f.login({ protocol: 'pop3', username: ALICE, secret }))).toBe('SERVICE_CLOSED');
    await f.security.accountSecurity.disable({ address: ALICE, reason: 'test', by: { actor: 'admin:cli' } });
    expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret }))).toBe('ACCOUNT_DISABLED');
  });

  it('an account password that happens to look like an app password still works', async () => {
    await f.security.accountSecurity.setPasswordByAdmin({ address: ALICE, password: 'Qwertzuiopasdfgh', by: { actor: 'admin:cli' } });
    expect(codeOfResult(await f.login({ protocol: 'imap', username: ALICE, secret: 'Qwertzuiopasdfgh' }))).toBe('OK');
  });
});
