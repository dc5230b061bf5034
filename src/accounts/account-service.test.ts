// AccountService over every store dialect: normalisation, alias/account conflicts, resolution, rehashing, disabling, strength levels.
import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryDialect, liveStore, testStore } from '../../test/support/every-dialect.js';
import { AccountService } from './account-service.js';
import { createArgon2Hasher } from './password-hasher.js';
import type { PasswordHasher } from './password-hasher.js';
import { PolicyService } from './policy-service.js';
import { expectCode } from '../../test/support/outcomes.js';

const NOW = 1_700_000_000_000;
/** Cheap parameters for tests about behaviour, not cost; also "outdated" next to the OWASP default. */
const LOW_PARAMS = { memoryCost: 4096, timeCost: 1, parallelism: 1 };
const CURRENT_HASH_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

describeOnEveryDialect('AccountService', testStore, (t) => {
  const store = liveStore(t);
  let policies: PolicyService;
  const lowHasher = createArgon2Hasher({ params: LOW_PARAMS });
  const service = (hasher: PasswordHasher = lowHasher): AccountService => new AccountService({ store, hasher, policies, now: () => NOW });

  beforeEach(async () => {
    policies = new PolicyService(store, () => NOW);
  });

  it('normalises domains and addresses on the way in (case, IDN, spaces)', async () => {
    const accounts = service();
    expect((await accounts.addDomain(' BÜCHER.Example ')).name).toBe('xn--bcher-kva.example');
    const alice = await accounts.addUser({ address: ' Alice@BÜCHER.example', password: 'Kq7vz3mw-long', displayName: '  Alice  ' });
    expect(alice).toMatchObject({
      address: 'alice@xn--bcher-kva.example',
      localPart: 'alice',
      displayName: 'Alice',
      status: 'active',
      admin: false,
      mustChangePassword: false,
      createdAt: NOW,
    });
    expect((await accounts.getUser('ALICE@bücher.example')).id).toBe(alice.id);
    expect((await accounts.listUsers({ domain: 'Bücher.EXAMPLE' })).map((a) => a.id)).toEqual([alice.id]);
    await expectCode(accounts.addDomain('bücher.example'), 'EXISTS');
    await expectCode(accounts.addUser({ address: 'ALICE@xn--bcher-kva.example', password: 'Kq7vz3mw-long' }), 'EXISTS');
    await expectCode(accounts.addUser({ address: 'bob@nowhere.example', password: 'Kq7vz3mw-long' }), 'NOT_FOUND', /nowhere\.example/);
    await expectCode(accounts.addUser({ address: 'bob smith@bücher.example', password: 'Kq7vz3mw-long' }), 'INVALID_ADDRESS');
    expect(await store.accounts.count()).toBe(1);
  });

  it('refuses an alias that is an account and an account that is an alias', async () => {
    const accounts = service();
    await accounts.addDomain('example.org');
    await accounts.addUser({ address: 'alice@example.org', password: 'Kq7vz3mw-long' });
    await accounts.addUser({ address: 'bob@example.org', password: 'Kq7vz3mw-long' });

    await expectCode(accounts.addAlias('BOB@example.org', 'alice@example.org'), 'EXISTS', /bob@example\.org is already an account/);
    await accounts.addAlias('Info@Example.org', 'alice@example.org');
    await expectCode(accounts.addUser({ address: 'INFO@example.org', password: 'Kq7vz3mw-long' }), 'EXISTS', /info@example\.org is already an alias/);
    await expectCode(accounts.addAlias('info@example.org', 'bob@example.org'), 'EXISTS');
    await expectCode(accounts.addAlias('sales@example.org', 'nobody@example.org'), 'NOT_FOUND');
    await expectCode(accounts.addAlias('sales@elsewhere.example', 'alice@example.org'), 'NOT_FOUND', /elsewhere\.example/);

    expect(await store.accounts.count()).toBe(2);
    expect((await accounts.listAliases()).map(({ alias, target }) => [alias.address, target])).toEqual([
      ['info@example.org', 'alice@example.org'],
    ]);
  });

  it('resolves an address or an alias to its account, and anything else to undefined', async () => {
    const accounts = service();
    await accounts.addDomain('bücher.example');
    const alice = await accounts.addUser({ address: 'alice@bücher.example', password: 'Kq7vz3mw-long' });
    await accounts.addAlias('info@bücher.example', 'alice@bücher.example');

    expect((await accounts.resolve('Alice@BÜCHER.example'))?.id).toBe(alice.id);
    expect((await accounts.resolve('INFO@xn--bcher-kva.example'))?.id).toBe(alice.id);
    expect(await accounts.resolve('nobody@bücher.example')).toBeUndefined();
    expect(await accounts.resolve('not an address')).toBeUndefined();
    expect(await accounts.aliasesOf(alice)).toEqual(['info@xn--bcher-kva.example']);
    // getUser is for accounts only: an alias is not an account.
    await expectCode(accounts.getUser('info@bücher.example'), 'NOT_FOUND');

    await accounts.deleteUser('alice@bücher.example');
    expect(await accounts.resolve('info@bücher.example')).toBeUndefined();
    expect(await accounts.listAliases()).toEqual([]);
  });

  it('upgrades a hash made with outdated parameters when the password verifies', async () => {
    await service().addDomain('example.org');
    const storedHash = async (): Promise<string> => (await store.accounts.findByAddress('alice@example.org'))!.password_hash;
    const old = await service(lowHasher).addUser({ address: 'alice@example.org', password: 'Kq7vz3mw-long' });
    const oldHash = await storedHash();
    expect(oldHash.startsWith('$argon2id$v=19$m=4096,t=1,p=1$')).toBe(true);
    // The value carries no hash: presenters cannot show one.
    expect(JSON.stringify(old)).not.toContain('argon2');

    const current = service(createArgon2Hasher());
    expect(await current.verifyPassword(old, 'Kq7vz3mw-wrong')).toBe(false);
    expect(await storedHash()).toBe(oldHash);

    expect(await current.verifyPassword(old, 'Kq7vz3mw-long')).toBe(true);
    const upgraded = await current.getUser('alice@example.org');
    const upgradedHash = await storedHash();
    expect(upgradedHash.startsWith(CURRENT_HASH_PREFIX)).toBe(true);
    expect(await current.verifyPassword(upgraded, 'Kq7vz3mw-long')).toBe(true);
    // A copy of the value (no hashes beside it) is checked against the stored hash.
    expect(await current.verifyPassword({ ...upgraded }, 'Kq7vz3mw-long')).toBe(true);
    expect(await current.verifyPassword({ ...upgraded }, 'Kq7vz3mw-wrong')).toBe(false);
    // A current hash is left alone.
    expect(await storedHash()).toBe(upgradedHash);
  });

  it('needs a reason to disable; enable clears it', async () => {
    const accounts = service();
    await accounts.addDomain('example.org');
    await accounts.addUser({ address: 'bob@example.org', password: 'Kq7vz3mw-long' });

    await expectCode(accounts.disable('bob@example.org', ' \n\t '), 'INVALID_INPUT', /reason is required/);
    expect((await accounts.getUser('bob@example.org')).status).toBe('active');

    expect(await accounts.disable('BOB@example.org', '  left the company ')).toMatchObject({
      status: 'disabled',
      disabledReason: 'left the company',
      disabledAt: NOW,
    });
    expect(await accounts.enable('bob@example.org')).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null });
    await expectCode(accounts.disable('nobody@example.org', 'why'), 'NOT_FOUND');
  });

  it('applies the strength level of the domain, else the global one, else the default (medium)', async () => {
    const accounts = service();
    await accounts.addDomain('a.example');
    await accounts.addDomain('b.example');
    const TWO_CLASSES = 'kq7vz3mw'; // 8 characters, lower + digits
    const THREE_CLASSES = 'Kq7vz3mw'; // 8 characters, upper + lower + digits

    // Default medium: 8 characters of 2 classes.
    await accounts.checkNewPassword('alice@a.example', TWO_CLASSES);
    await expectCode(accounts.checkNewPassword('alice@a.example', 'kq7vz3m'), 'PASSWORD_TOO_SHORT');
    await expectCode(accounts.checkNewPassword('alice@a.example', 'kqvzmwxy'), 'PASSWORD_TOO_SIMPLE');

    // Global strong: 3 classes, everywhere without a domain value.
    await policies.set('password.strength', 'strong');
    await expectCode(accounts.checkNewPassword('alice@b.example', TWO_CLASSES), 'PASSWORD_TOO_SIMPLE');
    await accounts.checkNewPassword('alice@b.example', THREE_CLASSES);
    await expectCode(accounts.checkNewPassword('alice@b.example', 'Alice-Kq7vz3'), 'PASSWORD_CONTAINS_NAME');

    // a.example very_strong (14 characters) overrides the global level for a.example only.
    await policies.set('password.strength', 'very_strong', { domain: 'a.example' });
    await expectCode(accounts.checkNewPassword('alice@a.example', THREE_CLASSES), 'PASSWORD_TOO_SHORT');
    await expectCode(accounts.addUser({ address: 'alice@a.example', password: THREE_CLASSES }), 'PASSWORD_TOO_SHORT');
    await accounts.addUser({ address: 'alice@b.example', password: THREE_CLASSES });
    await accounts.addUser({ address: 'alice@a.example', password: 'Kq7vz3mw-Rt5yu' });

    // b.example none: a domain may also be laxer than the global level.
    await policies.set('password.strength', 'none', { domain: 'b.example' });
    await accounts.addUser({ address: 'bob@b.example', password: 'x' });
    await expectCode(accounts.addUser({ address: 'bob@a.example', password: 'x' }), 'PASSWORD_TOO_SHORT');
    expect((await accounts.listUsers()).map((a) => a.address)).toEqual(['alice@a.example', 'alice@b.example', 'bob@b.example']);
  });
});
