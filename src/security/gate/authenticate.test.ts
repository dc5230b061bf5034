// authenticate() against the attacks it exists to stop, over SQLite and PostgreSQL: enumeration, guessing, replay, lock-out, spraying.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { ERROR_CODES } from '../../errors/index.js';
import type { MailwardEvent, Protocol } from '../../shared-state/index.js';
import type { LoginRecordRow } from '../../store/index.js';
import { describeOnEveryDialect, useFixture } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_NOW, FIXTURE_PASSWORD, clientView, securityFixture } from '../../../test/support/security-fixture.js';
import type { AuthenticateResult } from './authenticate.js';
import { ACCOUNT_LIMIT_FACTOR } from './authenticate.js';
import { FIRST_BLOCK_MS, MAX_BLOCK_MS } from './throttle.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const NOBODY = `nobody@${FIXTURE_DOMAIN}`;
const ATTACKER_IP = '198.51.100.66';
const OWNER_IP = '192.0.2.10';
const MAIL: Protocol[] = ['smtp', 'imap', 'pop3'];

/** The columns the tests read back. */
type RecordRow = Omit<LoginRecordRow, 'id' | 'location'>;

function failure(result: AuthenticateResult): Extract<AuthenticateResult, { ok: false }> {
  if (result.ok) throw new Error('expected a failure, got a success');
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describeOnEveryDialect('authenticate', (dialect) => {
  let alice: Account;

  describe('with the fast hasher', () => {
    const f = useFixture(securityFixture(), dialect);

    async function records(): Promise<RecordRow[]> {
      await f.security.flush();
      const rows = await f.query<RecordRow>('select time, account_id, username, protocol, ip, client, result, reason, credential from login_records order by id');
      return rows.map((r) => ({ ...r, time: Number(r.time), account_id: r.account_id === null ? null : Number(r.account_id) }));
    }

    function eventsOf<T extends MailwardEvent['type']>(type: T): Array<Extract<MailwardEvent, { type: T }>> {
      return f.received.filter((e): e is Extract<MailwardEvent, { type: T }> => e.type === type);
    }

    beforeEach(async () => {
      alice = await f.addUser('alice');
      f.hasher.reset();
    });

    it('signs the owner in with the right password', async () => {
      const result = await f.login({ username: 'Alice@Example.TEST', secret: FIXTURE_PASSWORD, protocol: 'imap', client: 'Thunderbird' });
      expect(result).toMatchObject({ ok: true, credential: 'password', appPasswordId: null, mustChangePassword: false, authenticatedAt: FIXTURE_NOW });
      expect(result.ok && result.account.id).toBe(alice.id);
    });

    describe('no enumeration', () => {
      it('answers an unknown name exactly like a wrong password, on every protocol', async () => {
        for (const protocol of ['web', ...MAIL] as Protocol[]) {
          const wrong = await f.login({ protocol, username: ALICE, secret: `wrong-${protocol}`, remoteIp: '203.0.113.1' });
          const unknown = await f.login({ protocol, username: NOBODY, secret: `wrong-${protocol}`, remoteIp: '203.0.113.2' });
          expect(clientView(unknown)).toEqual(clientView(wrong));
          expect(failure(wrong)).toMatchObject({ code: 'AUTH_FAILED', message: 'Verification failure. Please check the username and password you entered.' });
          expect('hint' in failure(wrong)).toBe(false);
          expect('retryAfterSeconds' in failure(wrong)).toBe(false);
          // Only the record knows the difference.
          expect(failure(wrong).reason).toBe('bad_credentials');
          expect(failure(unknown).reason).toBe('unknown_user');
        }
        // An unknown name in a domain not served here is no different either.
        const elsewhere = await f.login({ username: 'alice@elsewhere.test', secret: 'x', remoteIp: '203.0.113.3' });
        expect(clientView(elsewhere)).toEqual(clientView(await f.login({ username: ALICE, secret: 'y', remoteIp: '203.0.113.4' })));
      });

      it('spends exactly one hash on an unknown name, as on a wrong password', async () => {
        await f.login({ username: ALICE, secret: 'wrong-1' });
        expect(f.hasher.calls).toMatchObject({ verify: 1, verifyDummy: 0 });
        f.hasher.reset();
        await f.login({ username: NOBODY, secret: 'wrong-1' });
        expect(f.hasher.calls).toMatchObject({ verify: 0, verifyDummy: 1 });
      });

      it('records the unknown name with no account and reason unknown_user, a wrong password with bad_credentials', async () => {
        f.setNow(FIXTURE_NOW + 5);
        await f.login({ protocol: 'imap', username: NOBODY, secret: 'guess-1', remoteIp: '::ffff:203.0.113.9', client: 'hydra' });
        await f.login({ protocol: 'smtp', username: 'ALICE@example.test', secret: 'guess-2', remoteIp: '203.0.113.9', client: 'EHLO x' });
        expect(await records()).toEqual([
          {
            time: FIXTURE_NOW + 5,
            account_id: null,
            username: NOBODY,
            protocol: 'imap',
            ip: '203.0.113.9',
            client: 'hydra',
            result: 'failure',
            reason: 'unknown_user',
            credential: null,
          },
          {
            time: FIXTURE_NOW + 5,
            account_id: alice.id,
            username: ALICE,
            protocol: 'smtp',
            ip: '203.0.113.9',
            client: 'EHLO x',
            result: 'failure',
            reason: 'bad_credentials',
            credential: null,
          },
        ]);
      });

      it('treats malformed names as unknown names: AUTH_FAILED, one dummy hash, throttled like any name', async () => {
        await f.policies.set('auth.max_failures', 3);
        const reference = clientView(await f.login({ username: NOBODY, secret: 'ref', remoteIp: '203.0.113.200' }));
        for (const [i, username] of ['a@@b', '', 'x'.repeat(2000)].entries()) {
          const ip = `203.0.113.${i + 1}`;
          f.hasher.reset();
          for (let n = 0; n < 3; n++) {
            const result = await f.login({ username, secret: `guess-${n}`, remoteIp: ip });
            expect(clientView(result)).toEqual(reference);
          }
          expect(f.hasher.calls.verifyDummy).toBe(3);
          const blocked = failure(await f.login({ username, secret: 'guess-4', remoteIp: ip }));
          expect(blocked.code).toBe('AUTH_THROTTLED');
          expect(f.hasher.verifications()).toBe(3);
        }
        const rows = await records();
        const long = rows.filter((r) => r.username.startsWith('xxx'));
        expect(long.length).toBe(4);
        expect(long.every((r) => r.username.length <= 256 && r.account_id === null)).toBe(true);
        expect(rows.filter((r) => r.username === 'a@@b').map((r) => r.reason)).toEqual(['unknown_user', 'unknown_user', 'unknown_user', 'throttled']);
      });
    });

    describe('throttling before hashing', () => {
      beforeEach(async () => {
        await f.policies.set('auth.max_failures', 3);
      });

      async function failTimes(n: number, options: { username?: string; ip?: string; tag?: string } = {}): Promise<void> {
        for (let i = 0; i < n; i++) {
          const result = failure(await f.login({ username: options.username ?? ALICE, secret: `${options.tag ?? 'g'}-${i}`, remoteIp: options.ip ?? ATTACKER_IP }));
          expect(result.code).toBe('AUTH_FAILED');
        }
      }

      it('refuses even the right password once a (name, IP) reaches auth.max_failures, without hashing', async () => {
        await failTimes(3);
        f.hasher.reset();
        const blocked = failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP }));
        expect(blocked).toMatchObject({ code: 'AUTH_THROTTLED', reason: 'throttled', retryAfterSeconds: 60, message: ERROR_CODES.AUTH_THROTTLED });
        expect(f.hasher.verifications()).toBe(0);
        f.advance(30_000);
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).retryAfterSeconds).toBe(30);
        expect(f.hasher.verifications()).toBe(0);
        const last = (await records()).at(-1);
        expect(last).toMatchObject({ account_id: alice.id, result: 'failure', reason: 'throttled', credential: null });
      });

      it('doubles the block with each further failure (60, 120, 240, 480 s), caps it at 900 s, then lets the owner in and clears the count', async () => {
        await failTimes(3);
        const seen: number[] = [];
        for (let i = 0; i < 6; i++) {
          const blocked = failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP }));
          expect(blocked.code).toBe('AUTH_THROTTLED');
          seen.push(blocked.retryAfterSeconds!);
          f.advance(blocked.retryAfterSeconds! * 1000);
          if (i < 5) await failTimes(1, { tag: `after-${i}` });
        }
        expect(seen).toEqual([60, 120, 240, 480, 900, 900]);
        expect(MAX_BLOCK_MS / 1000).toBe(900);
        // The last block has run out: the right password works again…
        f.hasher.reset();
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).ok).toBe(true);
        expect(f.hasher.calls.verify).toBe(1);
        // …and the pair's count is gone: max_failures - 1 failures do not block, the next gives a first (60 s) block.
        await failTimes(2, { tag: 'fresh' });
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).ok).toBe(true);
        await failTimes(3, { tag: 'fresh2' });
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).retryAfterSeconds).toBe(FIRST_BLOCK_MS / 1000);
      });

      it('throttles an unknown name the same way (so a block says nothing about existence)', async () => {
        await failTimes(3, { username: NOBODY });
        f.hasher.reset();
        const blockedUnknown = failure(await f.login({ username: NOBODY, secret: 'anything', remoteIp: ATTACKER_IP }));
        expect(f.hasher.verifications()).toBe(0);
        await failTimes(3, { username: ALICE, ip: '198.51.100.67' });
        f.hasher.reset();
        const blockedKnown = failure(await f.login({ username: ALICE, secret: 'anything', remoteIp: '198.51.100.67' }));
        expect(f.hasher.verifications()).toBe(0);
        expect(clientView(blockedUnknown)).toEqual(clientView(blockedKnown));
        expect(blockedUnknown).toMatchObject({ code: 'AUTH_THROTTLED', retryAfterSeconds: 60 });
        f.advance(60_000);
        await failTimes(1, { username: NOBODY, tag: 'again' });
        expect(failure(await f.login({ username: NOBODY, secret: 'anything', remoteIp: ATTACKER_IP })).retryAfterSeconds).toBe(120);
      });

      it('lists the block for the admin with the name and IP that caused it', async () => {
        await failTimes(3);
        const blocks = await f.security.throttle.blocks(f.clock());
        expect(blocks).toEqual([expect.objectContaining({ scope: 'pair', username: ALICE, ip: ATTACKER_IP, failures: 3, blockedUntil: FIXTURE_NOW + 60_000 })]);
      });
    });

    describe('stale password replay', () => {
      it('counts the same wrong secret from the same name and IP 200 times as one failure, hashing it once', async () => {
        for (let i = 0; i < 200; i++) {
          const result = failure(await f.login({ protocol: 'imap', username: ALICE, secret: 'old-password', remoteIp: ATTACKER_IP }));
          expect(result.code).toBe('AUTH_FAILED');
        }
        expect(f.hasher.verifications()).toBe(1);
        expect(await f.security.throttle.blocks(f.clock())).toEqual([]);
        // Still no block: the owner fixes the password in the client and is in.
        expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).ok).toBe(true);
        // Every attempt is still recorded.
        expect((await records()).filter((r) => r.reason === 'bad_credentials')).toHaveLength(200);
      });

      it('still throttles different wrong secrets (5 with the default limit)', async () => {
        for (let i = 0; i < 5; i++) {
          expect(failure(await f.login({ username: ALICE, secret: `guess-${i}`, remoteIp: ATTACKER_IP })).code).toBe('AUTH_FAILED');
        }
        expect(f.hasher.verifications()).toBe(5);
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).code).toBe('AUTH_THROTTLED');
        // The replay shortcut is per secret: mixing one replayed secret in does not dodge the count.
        for (let i = 0; i < 4; i++) await f.login({ username: ALICE, secret: `spray-${i}`, remoteIp: '198.51.100.99' });
        await f.login({ username: ALICE, secret: 'spray-0', remoteIp: '198.51.100.99' });
        await f.login({ username: ALICE, secret: 'spray-4', remoteIp: '198.51.100.99' });
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '198.51.100.99' })).code).toBe('AUTH_THROTTLED');
      });

      it('keys the replay by name and IP: the same secret from another IP or for another name is verified', async () => {
        await f.addUser('bob');
        await f.login({ username: ALICE, secret: 'same', remoteIp: ATTACKER_IP });
        await f.login({ username: ALICE, secret: 'same', remoteIp: '198.51.100.67' });
        await f.login({ username: `bob@${FIXTURE_DOMAIN}`, secret: 'same', remoteIp: ATTACKER_IP });
        expect(f.hasher.verifications()).toBe(3);
      });

      it('verifies an old secret once more after the password changes (password_changed_at is part of the key)', async () => {
        // The owner's phone keeps sending the password they are about to change.
        f.advance(1000);
        expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).ok).toBe(true);
        await f.login({ protocol: 'imap', username: ALICE, secret: 'typo-secret', remoteIp: OWNER_IP });
        await f.login({ protocol: 'imap', username: ALICE, secret: 'typo-secret', remoteIp: OWNER_IP });
        f.hasher.reset();
        f.advance(1000);
        const changed = await f.security.accountSecurity.changePassword({
          account: alice,
          current: FIXTURE_PASSWORD,
          next: 'n3w-Passphrase-2024',
          confirm: 'n3w-Passphrase-2024',
          by: { actor: `user:${ALICE}`, ip: OWNER_IP },
        });
        expect(changed.passwordChangedAt).toBe(f.clock());
        expect(changed.passwordChangedAt).not.toBe(alice.passwordChangedAt);
        f.hasher.reset();
        // The replayed wrong secret is a new key now: verified once, then short-circuited again.
        await f.login({ protocol: 'imap', username: ALICE, secret: 'typo-secret', remoteIp: OWNER_IP });
        expect(f.hasher.calls.verify).toBe(1);
        // The stale old password: verified once, then 200 retries cost nothing and never block.
        for (let i = 0; i < 200; i++) {
          expect(failure(await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).code).toBe('AUTH_FAILED');
        }
        expect(f.hasher.calls.verify).toBe(2);
        expect((await f.login({ protocol: 'imap', username: ALICE, secret: 'n3w-Passphrase-2024', remoteIp: OWNER_IP })).ok).toBe(true);
      });
    });

    describe('the owner is not locked out', () => {
      beforeEach(async () => {
        await f.policies.set('auth.max_failures', 3);
        f.advance(-24 * 3600_000);
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).ok).toBe(true);
        await f.security.flush();
        f.advance(24 * 3600_000);
        f.hasher.reset();
      });

      it('by an attacker at another IP hammering the account', async () => {
        for (let i = 0; i < 50; i++) await f.login({ username: ALICE, secret: `guess-${i}`, remoteIp: ATTACKER_IP });
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ATTACKER_IP })).code).toBe('AUTH_THROTTLED');
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).ok).toBe(true);
        expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).ok).toBe(true);
      });

      it('by distributed guessing: unknown IPs are blocked account-wide, the owner’s known IP is not', async () => {
        const limit = 3 * ACCOUNT_LIMIT_FACTOR;
        for (let i = 0; i < limit; i++) {
          expect(failure(await f.login({ username: ALICE, secret: `guess-${i}`, remoteIp: `10.${i}.7.1` })).code).toBe('AUTH_FAILED');
        }
        f.hasher.reset();
        const blocked = failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '10.222.7.1' }));
        expect(blocked).toMatchObject({ code: 'AUTH_THROTTLED', retryAfterSeconds: 60 });
        expect(f.hasher.verifications()).toBe(0);
        const accountBlocks = (await f.security.throttle.blocks(f.clock())).filter((b) => b.scope === 'account');
        expect(accountBlocks).toEqual([expect.objectContaining({ username: ALICE, failures: limit })]);
        // The owner's device: in, with one verification.
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP })).ok).toBe(true);
        expect(f.hasher.verifications()).toBe(1);
      });

      it('failures from the owner’s known IP do not count toward the account-wide block', async () => {
        for (let i = 0; i < 3 * ACCOUNT_LIMIT_FACTOR - 1; i++) await f.login({ username: ALICE, secret: `guess-${i}`, remoteIp: `10.${i}.7.1` });
        // The owner mistypes twice at home (below the pair limit).
        await f.login({ username: ALICE, secret: 'typo-1', remoteIp: OWNER_IP });
        await f.login({ username: ALICE, secret: 'typo-2', remoteIp: OWNER_IP });
        expect((await f.security.throttle.blocks(f.clock())).filter((b) => b.scope === 'account')).toEqual([]);
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '10.223.7.1' })).ok).toBe(true);
      });

      it('distributed guessing blocks an unknown name the same way, so the account-wide block reveals nothing', async () => {
        const limit = 3 * ACCOUNT_LIMIT_FACTOR;
        const answers: Record<string, unknown[]> = { [ALICE]: [], [NOBODY]: [] };
        for (const name of [ALICE, NOBODY]) {
          for (let i = 0; i <= limit; i++) {
            const ip = `10.${i}.${name === ALICE ? 8 : 9}.1`;
            answers[name]!.push(clientView(await f.login({ username: name, secret: `guess-${i}`, remoteIp: ip })));
          }
        }
        expect(answers[NOBODY]).toEqual(answers[ALICE]);
        expect(answers[NOBODY]!.at(-1)).toMatchObject({ code: 'AUTH_THROTTLED' });
      });
    });

    describe('per-network spraying', () => {
      beforeEach(async () => {
        await f.policies.set('auth.max_failures_per_network', 10);
        await f.addUser('bob');
        await f.addUser('carol');
      });

      async function spray(ips: string[]): Promise<void> {
        const names = [ALICE, `bob@${FIXTURE_DOMAIN}`, `carol@${FIXTURE_DOMAIN}`, NOBODY, `user7@${FIXTURE_DOMAIN}`];
        for (const [i, ip] of ips.entries()) {
          // One try per account and address, as a sprayer does: no pair ever reaches its limit.
          expect(failure(await f.login({ username: names[i % names.length]!, secret: 'Summer2024!', remoteIp: ip })).code).toBe('AUTH_FAILED');
        }
      }

      it('blocks any name from an IPv4 /24 after max_failures_per_network failures across accounts; other networks go on', async () => {
        await spray(Array.from({ length: 10 }, (_, i) => `192.0.2.${i + 1}`));
        f.hasher.reset();
        for (const ip of ['192.0.2.200', '::ffff:192.0.2.201']) {
          const blocked = failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: ip }));
          expect(blocked).toMatchObject({ code: 'AUTH_THROTTLED', retryAfterSeconds: 60 });
          expect(failure(await f.login({ username: 'dave@example.test', secret: 'x', remoteIp: ip })).code).toBe('AUTH_THROTTLED');
        }
        expect(f.hasher.verifications()).toBe(0);
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '192.0.3.1' })).ok).toBe(true);
        const blocks = await f.security.throttle.blocks(f.clock());
        expect(blocks).toEqual([expect.objectContaining({ scope: 'network', network: '192.0.2.0/24', failures: 10 })]);
      });

      it('blocks an IPv6 /56, whichever /64 inside it the attempts come from', async () => {
        await spray(Array.from({ length: 10 }, (_, i) => `2001:db8:0:12${i.toString(16).padStart(2, '0')}::${i + 1}`));
        expect(failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '2001:db8:0:12ff:abcd::1' })).code).toBe('AUTH_THROTTLED');
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '2001:db8:0:1300::1' })).ok).toBe(true);
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '2001:db8:0:1100::1' })).ok).toBe(true);
      });

      it('does not block below the limit', async () => {
        await spray(Array.from({ length: 9 }, (_, i) => `192.0.2.${i + 1}`));
        expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '192.0.2.200' })).ok).toBe(true);
      });
    });

    describe('reasons only after a correct secret', () => {
      it('a disabled account: AUTH_FAILED for a wrong password, ACCOUNT_DISABLED only for the right one', async () => {
        await f.security.accountSecurity.disable({ address: ALICE, reason: 'left the company', by: { actor: 'admin:cli' } });
        const wrong = failure(await f.login({ username: ALICE, secret: 'wrong', remoteIp: '203.0.113.1' }));
        const unknown = failure(await f.login({ username: NOBODY, secret: 'wrong', remoteIp: '203.0.113.2' }));
        expect(clientView(wrong)).toEqual(clientView(unknown));
        expect(wrong.reason).toBe('bad_credentials');
        const right = failure(await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '203.0.113.1' }));
        expect(right).toMatchObject({ code: 'ACCOUNT_DISABLED', reason: 'account_disabled', message: 'Your account is disabled.' });
        for (const protocol of MAIL) {
          expect(failure(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD })).code).toBe('ACCOUNT_DISABLED');
        }
        expect((await records()).find((r) => r.reason === 'account_disabled')).toMatchObject({ account_id: alice.id, result: 'failure', credential: 'password' });
      });

      it('a closed service refuses that protocol only, and only after the right password', async () => {
        await f.security.accountSecurity.setServices({ account: alice, changes: { imap: false }, by: { actor: `user:${ALICE}` } });
        expect(failure(await f.login({ protocol: 'imap', username: ALICE, secret: 'wrong' })).code).toBe('AUTH_FAILED');
        const closed = failure(await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD }));
        expect(closed).toMatchObject({ code: 'SERVICE_CLOSED', reason: 'service_closed' });
        expect((await f.login({ protocol: 'pop3', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        expect((await f.login({ protocol: 'smtp', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        expect((await f.login({ protocol: 'web', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        // Every switch off: the webmail still opens (it cannot be closed).
        await f.security.accountSecurity.setServices({ account: alice, changes: { smtp: false, imap: false, pop3: false }, by: { actor: 'admin:cli' } });
        for (const protocol of MAIL) expect(failure(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD })).code).toBe('SERVICE_CLOSED');
        expect((await f.login({ protocol: 'web', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        expect((await records()).filter((r) => r.reason === 'service_closed').map((r) => r.protocol)).toEqual(['imap', 'smtp', 'imap', 'pop3']);
      });

      it('auth.require_app_passwords: the account password is refused on mail protocols (after verification), accepted on the web', async () => {
        await f.policies.set('auth.require_app_passwords', true);
        for (const protocol of MAIL) {
          expect(failure(await f.login({ protocol, username: ALICE, secret: 'wrong' })).code).toBe('AUTH_FAILED');
          const result = failure(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD }));
          expect(result).toMatchObject({ code: 'APP_PASSWORD_REQUIRED', reason: 'app_password_required' });
        }
        expect((await f.login({ protocol: 'web', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        const required = (await records()).filter((r) => r.reason === 'app_password_required');
        expect(required.map((r) => r.protocol)).toEqual(MAIL);
        expect(required.every((r) => r.credential === 'password' && r.account_id === alice.id)).toBe(true);
      });

      it('an account with two-factor authentication on accepts only app passwords from mail clients', async () => {
        await f.store.accounts.update(alice.id, { two_factor_enabled: 1 });
        for (const protocol of MAIL) {
          expect(failure(await f.login({ protocol, username: ALICE, secret: FIXTURE_PASSWORD })).code).toBe('APP_PASSWORD_REQUIRED');
        }
        // The web takes the password, and must then ask for the second factor.
        expect(await f.login({ protocol: 'web', username: ALICE, secret: FIXTURE_PASSWORD })).toMatchObject({ ok: true, secondFactorRequired: true });
        const { secret } = await f.security.appPasswords.create({ account: alice, name: 'Phone', protocols: ['imap'], actor: `user:${ALICE}` });
        expect(await f.login({ protocol: 'imap', username: ALICE, secret })).toMatchObject({ ok: true, credential: 'app_password' });
        await f.store.accounts.update(alice.id, { two_factor_enabled: 0 });
        expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
        expect(await f.login({ protocol: 'web', username: ALICE, secret: FIXTURE_PASSWORD })).toMatchObject({ ok: true, secondFactorRequired: false });
      });
    });

    describe('password hints', () => {
      beforeEach(async () => {
        await f.policies.set('password.hints_enabled', true);
        await f.security.accountSecurity.setPasswordHint({ account: alice, hint: 'the horse and the staple', by: { actor: `user:${ALICE}` } });
      });

      it('returns the hint with a failed web sign-in only', async () => {
        expect(failure(await f.login({ protocol: 'web', username: ALICE, secret: 'wrong-1' })).hint).toBe('the horse and the staple');
        for (const protocol of MAIL) {
          expect('hint' in failure(await f.login({ protocol, username: ALICE, secret: `wrong-${protocol}` }))).toBe(false);
        }
        expect('hint' in failure(await f.login({ protocol: 'web', username: NOBODY, secret: 'wrong-1' }))).toBe(false);
      });

      it('returns no hint once the admin turns hints off', async () => {
        await f.policies.set('password.hints_enabled', false);
        expect('hint' in failure(await f.login({ protocol: 'web', username: ALICE, secret: 'wrong-2' }))).toBe(false);
      });

      it('returns no hint while throttled', async () => {
        await f.policies.set('auth.max_failures', 3);
        for (let i = 0; i < 3; i++) await f.login({ username: ALICE, secret: `wrong-${i}` });
        const blocked = failure(await f.login({ username: ALICE, secret: 'wrong-9' }));
        expect(blocked.code).toBe('AUTH_THROTTLED');
        expect('hint' in blocked).toBe(false);
      });
    });

    describe('events', () => {
      it('LoginSucceeded says newIp the first time from an IP, not the second', async () => {
        await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: OWNER_IP, client: 'Thunderbird' });
        await f.security.flush();
        f.advance(1000);
        await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: `::ffff:${OWNER_IP}`, client: 'Thunderbird' });
        await f.security.flush();
        await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '192.0.2.11', client: 'K-9' });
        await f.settle();
        const succeeded = eventsOf('LoginSucceeded');
        expect(succeeded.map((e) => [e.ip, e.newIp, e.newClient])).toEqual([
          [OWNER_IP, true, true],
          [OWNER_IP, false, false],
          ['192.0.2.11', true, true],
        ]);
        expect(succeeded[0]).toMatchObject({ accountId: alice.id, address: ALICE, protocol: 'imap', credential: 'password', client: 'Thunderbird', at: FIXTURE_NOW });
        // A failure from an IP does not make it known.
        await f.login({ username: ALICE, secret: 'wrong', remoteIp: '192.0.2.12' });
        await f.security.flush();
        f.received.length = 0;
        await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, remoteIp: '192.0.2.12' });
        await f.settle();
        expect(eventsOf('LoginSucceeded')[0]?.newIp).toBe(true);
      });

      it('LoginFailed for every failure; LoginFailureBurst once, when the pair reaches the limit', async () => {
        await f.policies.set('auth.max_failures', 3);
        for (let i = 0; i < 3; i++) await f.login({ username: ALICE, secret: `guess-${i}`, remoteIp: ATTACKER_IP, protocol: 'pop3', client: 'bot' });
        await f.login({ username: ALICE, secret: 'guess-9', remoteIp: ATTACKER_IP, protocol: 'pop3', client: 'bot' });
        f.advance(60_000);
        await f.login({ username: ALICE, secret: 'guess-10', remoteIp: ATTACKER_IP, protocol: 'pop3', client: 'bot' });
        await f.login({ username: NOBODY, secret: 'guess-1', remoteIp: ATTACKER_IP });
        await f.settle();
        const failed = eventsOf('LoginFailed');
        expect(failed.map((e) => e.reason)).toEqual(['bad_credentials', 'bad_credentials', 'bad_credentials', 'throttled', 'bad_credentials', 'unknown_user']);
        expect(failed[0]).toEqual({
          type: 'LoginFailed',
          at: FIXTURE_NOW,
          accountId: alice.id,
          username: ALICE,
          protocol: 'pop3',
          ip: ATTACKER_IP,
          client: 'bot',
          reason: 'bad_credentials',
        });
        expect(failed.at(-1)).toMatchObject({ accountId: null, username: NOBODY, reason: 'unknown_user' });
        expect(eventsOf('LoginFailureBurst')).toEqual([
          { type: 'LoginFailureBurst', at: FIXTURE_NOW, accountId: alice.id, address: ALICE, ip: ATTACKER_IP, failures: 3 },
        ]);
        // No event ever carries a secret.
        expect(JSON.stringify(f.received)).not.toMatch(/guess-|Tr0ub4dor/);
      });
    });
  });

  describe('timing, with the OWASP hasher', () => {
    const f = useFixture(securityFixture({ hasher: 'owasp', perTest: true }), dialect);

    beforeEach(async () => {
      alice = await f.addUser('alice');
      // Timing only: let every attempt through the throttle.
      await f.policies.set('auth.max_failures', 1000);
      await f.policies.set('auth.max_failures_per_network', 1_000_000);
    });

    it('takes as long for an unknown name as for a wrong password (medians apart by less than half a hash)', async () => {
      // Warm-up: the first dummy verification also creates the dummy hash.
      await f.login({ username: NOBODY, secret: 'warm-up', remoteIp: '10.255.0.1' });
      await f.login({ username: ALICE, secret: 'warm-up', remoteIp: '10.255.0.2' });
      f.hasher.reset();
      // The hash as stored (the Account value carries none).
      const aliceHash = (await f.store.accounts.findById(alice.id))!.password_hash;
      const RUNS = 9;
      let gap = Infinity;
      let hashMs = 0;
      let attempts = 0;
      // A loaded machine slows all three kinds of work below alike (they are interleaved), and the
      // medians drop the outliers; still, a burst can skew one round: three tries at most.
      for (let round = 0; round < 3 && !(gap < hashMs / 2); round++) {
        const known: number[] = [];
        const unknown: number[] = [];
        const hash: number[] = [];
        const work = [
          // Each attempt with a fresh secret and IP (no replay, no throttle).
          async (i: number): Promise<void> => {
            known.push(await timed(() => f.login({ protocol: 'imap', username: ALICE, secret: `k-${round}-${i}`, remoteIp: `10.${round}.${i}.1` })));
          },
          async (i: number): Promise<void> => {
            unknown.push(await timed(() => f.login({ protocol: 'imap', username: NOBODY, secret: `u-${round}-${i}`, remoteIp: `10.${round}.${i}.2` })));
          },
          // One verification on its own: the unit the gap is measured in.
          async (i: number): Promise<void> => {
            hash.push(await timed(() => f.hasher.verify(aliceHash, `h-${round}-${i}`)));
          },
        ];
        for (let i = 0; i < RUNS; i++) {
          // Interleaved, each kind first in turn.
          for (let k = 0; k < work.length; k++) await work[(i + k) % work.length]!(i);
        }
        attempts += RUNS;
        gap = Math.abs(median(known) - median(unknown));
        hashMs = median(hash);
      }
      // An unknown name that skipped its hash would be a whole hash quicker.
      expect(gap).toBeLessThan(hashMs / 2);
      // Each attempt of either kind cost exactly one verification (the unknown one against the dummy hash).
      expect(f.hasher.calls).toEqual({ hash: 0, verify: 2 * attempts, verifyDummy: attempts });
      // And the hash really is the OWASP one (so the comparison means something).
      expect((await f.store.accounts.findById(alice.id))!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
});
