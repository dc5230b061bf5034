// Passkeys over a real store: registration behind the password, names, the list, single-use expiring challenges, the sign-in rules (account, user handle, counter), throttling, rename and delete.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import { isMailwardError } from '../../errors/index.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, FIXTURE_NOW, FIXTURE_PASSWORD, passkeysWith, securityFixture } from '../../../test/support/security-fixture.js';
import { SoftAuthenticator } from '../../../test/support/soft-authenticator.js';
import type { PasskeyView } from './passkeys.js';
import type { Passkeys } from './passkeys.js';
import { MAX_PASSKEYS } from './passkeys.js';
import { PASSKEY_CHALLENGE_TTL_MS } from './passkey-flows.js';
import { settled } from '../../../test/support/outcomes.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const BOB = `bob@${FIXTURE_DOMAIN}`;
const IP = '203.0.113.10';
/** One of the default web origins of Security (rpID localhost). */
const ORIGIN = 'http://localhost:8080';

/** 'OK', the MailwardError code, or for AUTH_FAILED the refusal the server logs ("AUTH_FAILED:counter"). */
async function outcome(promise: Promise<unknown>): Promise<string> {
  const error = await settled(promise);
  if (error === 'OK') return 'OK';
  if (!isMailwardError(error)) throw error;
  if (error.code !== 'AUTH_FAILED') return error.code;
  const cause = error.cause instanceof Error ? error.cause.message.replace(/^passkey refused: /, '') : '?';
  return `AUTH_FAILED:${cause}`;
}

interface PasskeyDbRow {
  id: number | string;
  account_id: number | string;
  credential_id: string;
  public_key: string;
  user_handle: string;
  counter: number | string;
  transports: string;
  device_type: string;
  backed_up: number | string;
  name: string;
  created_at: number | string;
  last_used_at: number | string | null;
}

describeOnEveryDialect('passkeys', securityFixture(), (f) => {
  let alice: Account;
  let bob: Account;
  let passkeys: Passkeys;
  const by = { actor: `user:${ALICE}`, ip: IP };

  beforeEach(async () => {
    alice = await f.addUser('alice');
    bob = await f.addUser('bob');
    passkeys = f.security.passkeys;
  });

  async function rows(accountId?: number): Promise<PasskeyDbRow[]> {
    return accountId === undefined
      ? f.query<PasskeyDbRow>('select * from passkeys order by id')
      : f.query<PasskeyDbRow>('select * from passkeys where account_id = ? order by id', [accountId]);
  }

  /** Adds a passkey the way the web will: password, create() on the device, name. */
  async function register(
    account: Account,
    name: string,
    options: { authenticator?: SoftAuthenticator; counting?: boolean; backedUp?: boolean; userVerified?: boolean } = {},
  ): Promise<{ authenticator: SoftAuthenticator; view: PasskeyView }> {
    const authenticator =
      options.authenticator ??
      new SoftAuthenticator({
        origin: ORIGIN,
        ...(options.counting !== undefined ? { counting: options.counting } : {}),
        ...(options.backedUp !== undefined ? { backedUp: options.backedUp } : {}),
        ...(options.userVerified !== undefined ? { userVerified: options.userVerified } : {}),
      });
    const actor = { actor: `user:${account.address}`, ip: IP };
    const ceremony = await passkeys.registrationOptions({ account, password: FIXTURE_PASSWORD, by: actor });
    const view = await passkeys.verifyRegistration({ account, flowId: ceremony.flowId, response: authenticator.create(ceremony.options), name, by: actor });
    return { authenticator, view };
  }

  /** A second-factor sign-in (after the password) with this authenticator. */
  async function secondFactor(account: Account, authenticator: SoftAuthenticator): Promise<string> {
    const ceremony = await passkeys.authenticationOptions({ accountId: account.id });
    return outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: authenticator.get(ceremony.options), ip: IP, expectedAccountId: account.id }));
  }

  describe('registration', () => {
    it('asks for the account password before a ceremony starts', async () => {
      expect(await outcome(passkeys.registrationOptions({ account: alice, password: 'not the password', by }))).toBe('PASSWORD_WRONG');
      expect(await f.store.state.scan('passkey-flow:', f.clock())).toEqual([]);
      expect(await rows()).toEqual([]);
    });

    it('offers options for a discoverable passkey, excluding the ones the account has, under one random user handle', async () => {
      const first = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      expect(first.flowId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.expiresAt).toBe(FIXTURE_NOW + PASSKEY_CHALLENGE_TTL_MS);
      expect(first.options).toMatchObject({
        rp: { id: 'localhost', name: 'Mailward' },
        user: { name: ALICE },
        attestation: 'none',
        excludeCredentials: [],
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
        timeout: PASSKEY_CHALLENGE_TTL_MS,
      });
      // The user handle says nothing about the account: 32 random bytes, not the address or the id.
      expect(Buffer.from(first.options.user.id, 'base64url')).toHaveLength(32);
      const laptop = new SoftAuthenticator({ origin: ORIGIN });
      await passkeys.verifyRegistration({ account: alice, flowId: first.flowId, response: laptop.create(first.options), name: 'Laptop', by });

      const second = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      expect(second.options.excludeCredentials).toEqual([{ id: laptop.id, type: 'public-key', transports: ['internal'] }]);
      expect(second.options.user.id).toBe(first.options.user.id);
      expect(second.options.challenge).not.toBe(first.options.challenge);
      // Another account gets a handle of its own.
      const bobs = await passkeys.registrationOptions({ account: bob, password: FIXTURE_PASSWORD, by: { actor: `user:${BOB}`, ip: IP } });
      expect(bobs.options.user.id).not.toBe(first.options.user.id);
    });

    it('stores the credential as base64url text and lists it without its key', async () => {
      const { authenticator, view } = await register(alice, '  Laptop \u0007 ', { backedUp: true });
      expect(view).toEqual({ id: view.id, name: 'Laptop', createdAt: FIXTURE_NOW, lastUsedAt: null, backedUp: true, transports: ['internal'] });
      const [row] = await rows(alice.id);
      expect(row).toMatchObject({ credential_id: authenticator.id, name: 'Laptop', transports: 'internal', device_type: 'multiDevice', user_handle: authenticator.userHandle });
      expect(Number(row!.counter)).toBe(0);
      expect(Number(row!.backed_up)).toBe(1);
      expect(row!.public_key).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(row!.public_key, 'base64url').equals(authenticator.publicKeyCOSE)).toBe(true);

      const list = await passkeys.list(alice);
      expect(list).toEqual([view]);
      const text = JSON.stringify(list);
      expect(text).not.toContain(row!.public_key);
      expect(text).not.toContain(authenticator.id);
      expect(text).not.toContain(row!.user_handle);
      expect(await passkeys.list(bob)).toEqual([]);
    });

    it('keeps several per account, each named once (case and spaces aside), 1 to 64 characters', async () => {
      await register(alice, 'Laptop');
      await register(alice, 'Phone');
      expect((await passkeys.list(alice)).map((p) => p.name)).toEqual(['Laptop', 'Phone']);
      expect(await outcome(register(alice, ' laptop '))).toBe('EXISTS');
      expect(await outcome(register(alice, ''))).toBe('INVALID_INPUT');
      expect(await outcome(register(alice, ' \t\n '))).toBe('INVALID_INPUT');
      expect(await outcome(register(alice, 'x'.repeat(65)))).toBe('INVALID_INPUT');
      // Characters, not UTF-16 units: 64 emoji are a valid name.
      expect((await register(alice, '🔑'.repeat(64))).view.name).toBe('🔑'.repeat(64));
      // Names are per account.
      expect((await register(bob, 'Laptop')).view.name).toBe('Laptop');
      expect((await rows(alice.id)).map((r) => r.name)).toEqual(['Laptop', 'Phone', '🔑'.repeat(64)]);
    });

    it('checks the name before using up the ceremony, so the user can pick another', async () => {
      await register(alice, 'Laptop');
      const ceremony = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const response = new SoftAuthenticator({ origin: ORIGIN }).create(ceremony.options);
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: ceremony.flowId, response, name: 'LAPTOP', by }))).toBe('EXISTS');
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: ceremony.flowId, response, name: 'Desktop', by }))).toBe('OK');
    });

    it('uses a challenge once, for its own account, within five minutes', async () => {
      const ceremony = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const response = new SoftAuthenticator({ origin: ORIGIN }).create(ceremony.options);
      // Another account cannot finish alice's ceremony (and doing so uses it up).
      expect(await outcome(passkeys.verifyRegistration({ account: bob, flowId: ceremony.flowId, response, name: 'Mine', by }))).toBe('NOT_FOUND');
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: ceremony.flowId, response, name: 'Laptop', by }))).toBe('NOT_FOUND');

      const late = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const lateResponse = new SoftAuthenticator({ origin: ORIGIN }).create(late.options);
      f.advance(PASSKEY_CHALLENGE_TTL_MS);
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: late.flowId, response: lateResponse, name: 'Laptop', by }))).toBe('NOT_FOUND');

      const inTime = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const inTimeResponse = new SoftAuthenticator({ origin: ORIGIN }).create(inTime.options);
      f.advance(PASSKEY_CHALLENGE_TTL_MS - 1);
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: inTime.flowId, response: inTimeResponse, name: 'Laptop', by }))).toBe('OK');
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: inTime.flowId, response: inTimeResponse, name: 'Again', by }))).toBe('NOT_FOUND');
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: 'made-up', response: inTimeResponse, name: 'Again', by }))).toBe('NOT_FOUND');
      expect(await rows()).toHaveLength(1);
    });

    it('refuses an answer made for another challenge, origin or RP, and a credential registered already (to anyone)', async () => {
      const a = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const b = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const device = new SoftAuthenticator({ origin: ORIGIN });
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: a.flowId, response: device.create(b.options), name: 'X', by }))).toBe('INVALID_INPUT');
      const c = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const phished = device.create(c.options, { origin: 'https://localhost.evil.example' });
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: c.flowId, response: phished, name: 'X', by }))).toBe('INVALID_INPUT');
      const d = await passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by });
      const otherRP = device.create({ ...d.options, rp: { ...d.options.rp, id: 'example.test' } });
      expect(await outcome(passkeys.verifyRegistration({ account: alice, flowId: d.flowId, response: otherRP, name: 'X', by }))).toBe('INVALID_INPUT');
      expect(await rows()).toEqual([]);

      const { authenticator } = await register(alice, 'Laptop');
      // A browser ignoring excludeCredentials, or a credential id replayed onto another account.
      expect(await outcome(register(alice, 'Again', { authenticator }))).toBe('EXISTS');
      expect(await outcome(register(bob, 'Stolen', { authenticator }))).toBe('EXISTS');
      expect(await rows()).toHaveLength(1);
    });

    it(`allows at most ${MAX_PASSKEYS} per account`, async () => {
      for (let i = 0; i < MAX_PASSKEYS; i++) await register(alice, `Key ${i}`);
      expect(await outcome(passkeys.registrationOptions({ account: alice, password: FIXTURE_PASSWORD, by }))).toBe('LIMIT');
    });
  });

  describe('sign-in', () => {
    it('as a second factor: allows exactly the account passkeys, and records the use', async () => {
      const laptop = await register(alice, 'Laptop');
      const phone = await register(alice, 'Phone');
      await register(bob, 'Bob key');
      const ceremony = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(ceremony.options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred', timeout: PASSKEY_CHALLENGE_TTL_MS });
      expect(ceremony.options.allowCredentials?.map((c) => c.id).sort()).toEqual([laptop.authenticator.id, phone.authenticator.id].sort());

      f.advance(60_000);
      const result = await passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: phone.authenticator.get(ceremony.options), ip: IP, expectedAccountId: alice.id });
      expect(result).toEqual({ accountId: alice.id, passkeyId: phone.view.id, userVerified: true });
      const stored = (await rows(alice.id)).find((r) => Number(r.id) === phone.view.id)!;
      expect(Number(stored.counter)).toBe(1);
      expect(Number(stored.last_used_at)).toBe(FIXTURE_NOW + 60_000);
      expect((await passkeys.list(alice)).map((p) => p.lastUsedAt)).toEqual([null, FIXTURE_NOW + 60_000]);
      expect(await secondFactor(alice, laptop.authenticator)).toBe('OK');
    });

    it('as a second factor: accepts a key that only tests presence (the password was the other factor)', async () => {
      const key = await register(alice, 'Security key', { userVerified: false });
      const ceremony = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: key.authenticator.get(ceremony.options), ip: IP, expectedAccountId: alice.id })).toMatchObject({
        accountId: alice.id,
        userVerified: false,
      });
    });

    it('has nothing to offer an account without passkeys', async () => {
      expect(await outcome(passkeys.authenticationOptions({ accountId: alice.id }))).toBe('NOT_FOUND');
    });

    it('password-less: empty allowCredentials, the user handle names the account, user verification required', async () => {
      const phone = await register(alice, 'Phone');
      const bobs = await register(bob, 'Bob key');
      const ceremony = await passkeys.authenticationOptions();
      expect(ceremony.options.allowCredentials).toEqual([]);
      expect(ceremony.options.userVerification).toBe('required');
      expect(await passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: phone.authenticator.get(ceremony.options), ip: IP })).toEqual({
        accountId: alice.id,
        passkeyId: phone.view.id,
        userVerified: true,
      });
      const again = await passkeys.authenticationOptions();
      expect((await passkeys.verifyAuthentication({ flowId: again.flowId, response: bobs.authenticator.get(again.options), ip: IP })).accountId).toBe(bob.id);

      // No user handle, or another account's: refused (WebAuthn §7.2 step 6).
      const noHandle = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: noHandle.flowId, response: phone.authenticator.get(noHandle.options, { userHandle: null }), ip: IP }))).toBe(
        'AUTH_FAILED:user_handle',
      );
      const wrongHandle = await passkeys.authenticationOptions();
      const swapped = phone.authenticator.get(wrongHandle.options, { userHandle: bobs.authenticator.userHandle! });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: wrongHandle.flowId, response: swapped, ip: IP }))).toBe('AUTH_FAILED:user_handle');
    });

    it('password-less: refuses a key that did not verify the user', async () => {
      const key = await register(alice, 'Security key', { userVerified: false });
      const ceremony = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: key.authenticator.get(ceremony.options), ip: IP }))).toBe('AUTH_FAILED:assertion');
    });

    it('uses a challenge once: the same flow twice, or a captured assertion under a new flow, is refused', async () => {
      const phone = await register(alice, 'Phone', { counting: false });
      const ceremony = await passkeys.authenticationOptions({ accountId: alice.id });
      const assertion = phone.authenticator.get(ceremony.options);
      expect(await outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: assertion, ip: IP, expectedAccountId: alice.id }))).toBe('OK');
      expect(await outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: assertion, ip: IP, expectedAccountId: alice.id }))).toBe('AUTH_FAILED:flow');
      const fresh = await passkeys.authenticationOptions({ accountId: alice.id });
      // Counter 0 (not counting) passes the counter rule: only the challenge stops this replay.
      expect(await outcome(passkeys.verifyAuthentication({ flowId: fresh.flowId, response: assertion, ip: IP, expectedAccountId: alice.id }))).toBe('AUTH_FAILED:assertion');
      // Two verifications of one flow at once: one wins.
      const raced = await passkeys.authenticationOptions({ accountId: alice.id });
      const response = phone.authenticator.get(raced.options);
      const results = await Promise.all([1, 2, 3].map(() => outcome(passkeys.verifyAuthentication({ flowId: raced.flowId, response, ip: IP, expectedAccountId: alice.id }))));
      expect(results.sort()).toEqual(['AUTH_FAILED:flow', 'AUTH_FAILED:flow', 'OK']);
    });

    it('lets a challenge expire after five minutes', async () => {
      const phone = await register(alice, 'Phone');
      const late = await passkeys.authenticationOptions({ accountId: alice.id });
      f.advance(PASSKEY_CHALLENGE_TTL_MS);
      expect(await outcome(passkeys.verifyAuthentication({ flowId: late.flowId, response: phone.authenticator.get(late.options), ip: IP }))).toBe('AUTH_FAILED:flow');
      const inTime = await passkeys.authenticationOptions({ accountId: alice.id });
      f.advance(PASSKEY_CHALLENGE_TTL_MS - 1);
      expect(await outcome(passkeys.verifyAuthentication({ flowId: inTime.flowId, response: phone.authenticator.get(inTime.options), ip: IP }))).toBe('OK');
    });

    it('keeps a challenge in the shared state: another node verifies it', async () => {
      const phone = await register(alice, 'Phone');
      const otherNode = passkeysWith(f, [ORIGIN]);
      const ceremony = await passkeys.authenticationOptions({ accountId: alice.id });
      const response = phone.authenticator.get(ceremony.options);
      expect((await otherNode.verifyAuthentication({ flowId: ceremony.flowId, response, ip: IP })).passkeyId).toBe(phone.view.id);
      expect(await outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response, ip: IP }))).toBe('AUTH_FAILED:flow');
    });

    it('refuses an unknown credential, and one of another account than expected', async () => {
      await register(alice, 'Phone');
      const bobs = await register(bob, 'Bob key');
      const stranger = new SoftAuthenticator({ origin: ORIGIN });
      stranger.userHandle = bobs.authenticator.userHandle;
      const ceremony = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: ceremony.flowId, response: stranger.get(ceremony.options), ip: IP }))).toBe('AUTH_FAILED:credential_unknown');

      const forAlice = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: forAlice.flowId, response: bobs.authenticator.get(forAlice.options), ip: IP, expectedAccountId: alice.id }))).toBe(
        'AUTH_FAILED:credential_other_account',
      );
      // A flow started for alice stays hers even when the caller does not name her again.
      const implied = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: implied.flowId, response: bobs.authenticator.get(implied.options), ip: IP }))).toBe(
        'AUTH_FAILED:credential_other_account',
      );
      // …and cannot be claimed for bob.
      const claimed = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: claimed.flowId, response: bobs.authenticator.get(claimed.options), ip: IP, expectedAccountId: bob.id }))).toBe(
        'AUTH_FAILED:flow',
      );
      // A password-less flow with an expected account: the credential must be that account's.
      const discoverable = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: discoverable.flowId, response: bobs.authenticator.get(discoverable.options), ip: IP, expectedAccountId: alice.id }))).toBe(
        'AUTH_FAILED:credential_other_account',
      );
    });

    it('refuses an assertion made for another origin or RP', async () => {
      const phone = await register(alice, 'Phone');
      const a = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: a.flowId, response: phone.authenticator.get(a.options, { origin: 'https://evil.example' }), ip: IP }))).toBe(
        'AUTH_FAILED:assertion',
      );
      const b = await passkeys.authenticationOptions({ accountId: alice.id });
      expect(await outcome(passkeys.verifyAuthentication({ flowId: b.flowId, response: phone.authenticator.get(b.options, { rpID: 'evil.example' }), ip: IP }))).toBe(
        'AUTH_FAILED:assertion',
      );
    });

    it('refuses a counter that does not go up (a cloned authenticator), and accepts one that never counts', async () => {
      const phone = await register(alice, 'Phone');
      const clone = phone.authenticator.clone();
      for (let i = 0; i < 3; i++) expect(await secondFactor(alice, phone.authenticator)).toBe('OK');
      expect(phone.authenticator.counter).toBe(3);
      // The copy signs with counter 1, then 2, then 3: never above what the original reached.
      for (let i = 0; i < 3; i++) expect(await secondFactor(alice, clone)).toBe('AUTH_FAILED:counter');
      expect(Number((await rows(alice.id))[0]!.counter)).toBe(3);
      expect(await secondFactor(alice, phone.authenticator)).toBe('OK');
      expect(Number((await rows(alice.id))[0]!.counter)).toBe(4);

      // Two assertions with the same counter at once (a copy used in parallel): only one is accepted.
      const twin = phone.authenticator.clone();
      const [x, y] = await Promise.all([passkeys.authenticationOptions({ accountId: alice.id }), passkeys.authenticationOptions({ accountId: alice.id })]);
      const results = await Promise.all([
        outcome(passkeys.verifyAuthentication({ flowId: x.flowId, response: phone.authenticator.get(x.options), ip: IP })),
        outcome(passkeys.verifyAuthentication({ flowId: y.flowId, response: twin.get(y.options), ip: IP })),
      ]);
      expect(results.sort()).toEqual(['AUTH_FAILED:counter', 'OK']);

      const synced = await register(alice, 'Synced', { counting: false, backedUp: true });
      for (let i = 0; i < 3; i++) expect(await secondFactor(alice, synced.authenticator)).toBe('OK');
    });

    it('is throttled per account: after auth.max_failures refusals even a good passkey waits, the password does not', async () => {
      const phone = await register(alice, 'Phone');
      const stranger = new SoftAuthenticator({ origin: ORIGIN });
      const limit = await f.policies.get('auth.max_failures');
      for (let i = 0; i < limit; i++) expect(await secondFactor(alice, stranger)).toBe('AUTH_FAILED:credential_unknown');
      const blocked = await passkeys
        .authenticationOptions({ accountId: alice.id })
        .then((c) => passkeys.verifyAuthentication({ flowId: c.flowId, response: phone.authenticator.get(c.options), ip: IP, expectedAccountId: alice.id }))
        .catch((e: unknown) => e);
      expect(isMailwardError(blocked, 'AUTH_THROTTLED')).toBe(true);
      expect((blocked as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds).toBeGreaterThan(0);
      // The block is on the (passkey name, IP) pair: bob, and alice's password, are untouched.
      const bobs = await register(bob, 'Bob key');
      expect(await secondFactor(bob, bobs.authenticator)).toBe('OK');
      expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD })).ok).toBe(true);
      f.advance(15 * 60_000);
      expect(await secondFactor(alice, phone.authenticator)).toBe('OK');
    });

    it('password-less refusals are throttled per IP without an account-wide count', async () => {
      const phone = await register(alice, 'Phone');
      const stranger = new SoftAuthenticator({ origin: ORIGIN });
      stranger.userHandle = phone.authenticator.userHandle;
      const limit = await f.policies.get('auth.max_failures');
      for (let i = 0; i < limit; i++) {
        const c = await passkeys.authenticationOptions();
        expect(await outcome(passkeys.verifyAuthentication({ flowId: c.flowId, response: stranger.get(c.options), ip: IP }))).toBe('AUTH_FAILED:credential_unknown');
      }
      const c = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: c.flowId, response: phone.authenticator.get(c.options), ip: IP }))).toBe('AUTH_THROTTLED');
      const elsewhere = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: elsewhere.flowId, response: phone.authenticator.get(elsewhere.options), ip: '198.51.100.77' }))).toBe('OK');
      expect((await f.security.throttle.blocks(f.clock())).map((b) => b.scope)).toEqual(['pair']);
    });

    it('tells a verified passkey of a disabled account so', async () => {
      const phone = await register(alice, 'Phone');
      await f.security.accountSecurity.disable({ address: ALICE, reason: 'test', by: { actor: 'admin:cli' } });
      const c = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: c.flowId, response: phone.authenticator.get(c.options), ip: IP }))).toBe('ACCOUNT_DISABLED');
    });
  });

  describe('rename and delete', () => {
    it('renames with the same name rules, within the account only', async () => {
      const laptop = await register(alice, 'Laptop');
      await register(alice, 'Phone');
      const bobs = await register(bob, 'Bob key');
      expect(await passkeys.rename({ account: alice, id: laptop.view.id, name: '  Work laptop ', by })).toMatchObject({ id: laptop.view.id, name: 'Work laptop' });
      expect(await outcome(passkeys.rename({ account: alice, id: laptop.view.id, name: 'PHONE', by }))).toBe('EXISTS');
      expect(await outcome(passkeys.rename({ account: alice, id: laptop.view.id, name: '', by }))).toBe('INVALID_INPUT');
      expect(await outcome(passkeys.rename({ account: alice, id: bobs.view.id, name: 'Mine now', by }))).toBe('NOT_FOUND');
      // Its own name in another case is fine.
      expect((await passkeys.rename({ account: alice, id: laptop.view.id, name: 'WORK LAPTOP', by })).name).toBe('WORK LAPTOP');
      expect((await passkeys.list(alice)).map((p) => p.name)).toEqual(['WORK LAPTOP', 'Phone']);
      expect((await passkeys.list(bob)).map((p) => p.name)).toEqual(['Bob key']);
    });

    it('deletes only with the password; a deleted passkey signs in no more', async () => {
      const laptop = await register(alice, 'Laptop');
      const phone = await register(alice, 'Phone');
      const bobs = await register(bob, 'Bob key');
      expect(await outcome(passkeys.delete({ account: alice, id: phone.view.id, password: 'wrong', by }))).toBe('PASSWORD_WRONG');
      expect(await rows(alice.id)).toHaveLength(2);
      expect(await outcome(passkeys.delete({ account: alice, id: bobs.view.id, password: FIXTURE_PASSWORD, by }))).toBe('NOT_FOUND');
      expect(await rows(bob.id)).toHaveLength(1);

      await passkeys.delete({ account: alice, id: phone.view.id, password: FIXTURE_PASSWORD, by });
      expect((await passkeys.list(alice)).map((p) => p.name)).toEqual(['Laptop']);
      expect(await secondFactor(alice, phone.authenticator)).toBe('AUTH_FAILED:credential_unknown');
      const c = await passkeys.authenticationOptions();
      expect(await outcome(passkeys.verifyAuthentication({ flowId: c.flowId, response: phone.authenticator.get(c.options), ip: IP }))).toBe('AUTH_FAILED:credential_unknown');
      expect((await passkeys.authenticationOptions({ accountId: alice.id })).options.allowCredentials?.map((a) => a.id)).toEqual([laptop.authenticator.id]);
      expect(await outcome(passkeys.delete({ account: alice, id: phone.view.id, password: FIXTURE_PASSWORD, by }))).toBe('NOT_FOUND');
    });

    it('go with the account', async () => {
      await register(alice, 'Laptop');
      await f.store.accounts.delete(alice.id);
      expect(await rows()).toEqual([]);
    });
  });

  it('audits every add, rename and delete with actor and IP, and never a key', async () => {
    const laptop = await register(alice, 'Laptop');
    await passkeys.rename({ account: alice, id: laptop.view.id, name: 'Old laptop', by });
    await secondFactor(alice, laptop.authenticator);
    await passkeys.delete({ account: alice, id: laptop.view.id, password: FIXTURE_PASSWORD, by });
    const entries = await f.security.audit.list({ accountId: alice.id });
    expect(entries.map((e) => e.action).reverse()).toEqual(['passkey.added', 'passkey.renamed', 'passkey.removed']);
    expect(entries.reverse()).toEqual([
      expect.objectContaining({ actor: by.actor, ip: IP, details: { id: laptop.view.id, name: 'Laptop', backedUp: false, transports: ['internal'] } }),
      expect.objectContaining({ actor: by.actor, ip: IP, details: { id: laptop.view.id, from: 'Laptop', to: 'Old laptop' } }),
      expect.objectContaining({ actor: by.actor, ip: IP, details: { id: laptop.view.id, name: 'Old laptop' } }),
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(laptop.authenticator.id);
    expect(text).not.toContain(laptop.authenticator.publicKeyCOSE.toString('base64url'));
    expect(text).not.toContain(FIXTURE_PASSWORD);
  });
});
