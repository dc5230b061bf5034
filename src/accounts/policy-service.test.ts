// PolicyService over every store dialect (layering, validation, stale stored values) and parsePolicyText's conversions.
import { beforeEach, describe, expect, it } from 'vitest';
import { describeOnEveryDialect, liveStore, testStore } from '../../test/support/every-dialect.js';
import { isMailwardError } from '../errors/index.js';
import { GLOBAL_SCOPE, domainScope } from '../store/index.js';
import { POLICIES } from './policy-schema.js';
import { PolicyService, parsePolicyText } from './policy-service.js';
import { expectCode } from '../../test/support/outcomes.js';

const NOW = 1_700_000_000_000;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isMailwardError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('parsePolicyText', () => {
  it.each([
    ['password.strength', 'strong', 'strong'],
    ['password.strength', 'none', 'none'],
    ['auth.max_failures', '7', 7],
    ['auth.max_failures', '007', 7],
    ['limits.smtp.messages_per_day', '0', 0],
    ['password.hints_enabled', 'on', true],
    ['password.hints_enabled', 'TRUE', true],
    ['password.hints_enabled', 'yes', true],
    ['security_code.enabled', 'off', false],
    ['security_code.enabled', 'false', false],
    ['security_code.enabled', 'No', false],
  ])('%s %j → %j', (key, text, value) => {
    expect(parsePolicyText(key, text)).toStrictEqual(value);
  });

  it.each([
    ['auth.max_failures', 'seven'],
    ['auth.max_failures', '0'], // below the minimum of 1
    ['auth.max_failures', '1e3'],
    ['auth.max_failures', '7.5'],
    ['auth.max_failures', ''],
    ['password.hints_enabled', '1'], // booleans are words, not numbers
    ['password.hints_enabled', 'maybe'],
    ['password.strength', 'extreme'],
  ])('%s %j is refused as INVALID_INPUT naming the key', (key, text) => {
    expect(codeOf(() => parsePolicyText(key, text))).toBe('INVALID_INPUT');
    expect(() => parsePolicyText(key, text)).toThrow(new RegExp(`^policy ${key.replace(/\./g, '\\.')}: .*\\(got "${text}"\\)$`));
  });

  it('refuses an unknown key as NOT_FOUND, listing the known ones', () => {
    expect(codeOf(() => parsePolicyText('auth.max_failure', '7'))).toBe('NOT_FOUND');
    expect(() => parsePolicyText('auth.max_failure', '7')).toThrow(/unknown policy key "auth\.max_failure"; known keys: .*auth\.max_failures/);
  });
});

describeOnEveryDialect('PolicyService', testStore, (t) => {
  const store = liveStore(t);
  let policies: PolicyService;

  beforeEach(async () => {
    policies = new PolicyService(store, () => NOW);
    for (const name of ['a.example', 'xn--bcher-kva.example']) await store.domains.create({ name, now: NOW });
  });

  it('answers every key with its default and where it comes from', async () => {
    const entries = await policies.list();
    expect(entries.map((e) => e.key)).toEqual(Object.keys(POLICIES));
    for (const entry of entries) {
      expect(entry).toMatchObject({ source: 'default', value: POLICIES[entry.key].default });
      expect(entry.description).toBe(POLICIES[entry.key].description);
    }
    expect(await policies.get('password.strength')).toBe('medium');
    expect(await policies.get('auth.max_failures', { domain: 'a.example' })).toBe(5);
  });

  it('layers a domain value over the global one over the default', async () => {
    expect(await policies.set('password.strength', 'strong')).toEqual({ before: 'medium', after: 'strong' });
    expect(await policies.set('password.strength', 'very_strong', { domain: 'BÜCHER.example' })).toEqual({
      before: 'strong',
      after: 'very_strong',
    });

    expect(await policies.entry('password.strength')).toMatchObject({ value: 'strong', source: 'global' });
    expect(await policies.entry('password.strength', { domain: 'bücher.example' })).toMatchObject({
      value: 'very_strong',
      source: 'domain:xn--bcher-kva.example',
    });
    expect(await policies.entry('password.strength', { domain: 'a.example' })).toMatchObject({ value: 'strong', source: 'global' });
    expect(await policies.entry('auth.max_failures', { domain: 'a.example' })).toMatchObject({ value: 5, source: 'default' });
    expect((await store.policies.get(domainScope('xn--bcher-kva.example'), 'password.strength'))?.value).toBe('"very_strong"');
  });

  it('refuses a bad value, an unknown key and an unknown domain, and stores nothing', async () => {
    await expectCode(policies.set('auth.max_failures', 0), 'INVALID_INPUT', /^policy auth\.max_failures: /);
    await expectCode(policies.set('auth.max_failures', '7'), 'INVALID_INPUT');
    await expectCode(policies.set('password.strength', 'extreme'), 'INVALID_INPUT', /^policy password\.strength: /);
    await expectCode(policies.set('no.such.key', 1), 'NOT_FOUND', /unknown policy key "no\.such\.key"/);
    await expectCode(policies.entry('no.such.key'), 'NOT_FOUND');
    await expectCode(policies.set('password.strength', 'strong', { domain: 'nowhere.example' }), 'NOT_FOUND', /nowhere\.example/);
    expect(await store.policies.list()).toEqual([]);
  });

  it('falls back past a stored value the schema refuses (e.g. written by a newer version)', async () => {
    await store.policies.set({ scope: GLOBAL_SCOPE, key: 'password.strength', value: '"ultra"', now: NOW });
    await store.policies.set({ scope: GLOBAL_SCOPE, key: 'auth.max_failures', value: '"7"', now: NOW });
    expect(await policies.entry('password.strength')).toMatchObject({ value: 'medium', source: 'default' });
    expect(await policies.entry('auth.max_failures')).toMatchObject({ value: 5, source: 'default' });

    // A refused domain value falls back to a valid global one, not to the default.
    await policies.set('password.strength', 'strong');
    await store.policies.set({ scope: domainScope('a.example'), key: 'password.strength', value: '"ultra"', now: NOW });
    expect(await policies.entry('password.strength', { domain: 'a.example' })).toMatchObject({ value: 'strong', source: 'global' });
    await store.policies.set({ scope: domainScope('a.example'), key: 'auth.max_failures', value: '0', now: NOW });
    expect(await policies.get('auth.max_failures', { domain: 'a.example' })).toBe(5);
  });
});
