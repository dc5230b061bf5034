// `mailward policy get|set` as a child process: typed values, sources, per-domain values, and refusals naming the key.
// Each test has its own data directory, so the tests run side by side (a CLI run is mostly Node start-up).
import { expect, it } from 'vitest';
import { POLICIES } from '../../src/accounts/index.js';
import { dataWith, describeCLI, expectOneLineError, expectSuccess, lines, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

interface PolicyJSON {
  key: string;
  value: unknown;
  source: string;
  description: string;
}

describeCLI('mailward policy', {}, () => {
  it('get: every key with its default as a table; one key for a domain as JSON', async () => {
    const data = await dataWith();
    await withDataDir(data, (app) => app.policies.set('auth.max_failures', 9, { domain: 'example.org' }));

    const table = lines(expectSuccess(await runCLI(['policy', 'get'], { data })));
    expect(table[0]).toMatch(/^KEY\s+VALUE\s+SOURCE$/);
    expect(table).toContainEqual(expect.stringMatching(/^password\.strength\s+"medium"\s+default$/));
    expect(table).toHaveLength(Object.keys(POLICIES).length + 1);
    // Without --domain, the domain's own value does not show: every key is at its default.
    for (const key of Object.keys(POLICIES)) {
      expect(table).toContainEqual(expect.stringMatching(new RegExp(`^${key.replace(/\./g, '\\.')}\\s+\\S+\\s+default$`)));
    }

    const forDomain = JSON.parse(
      expectSuccess(await runCLI(['policy', 'get', 'auth.max_failures', '--domain', 'EXAMPLE.org', '--json'], { data })),
    ) as PolicyJSON;
    expect(forDomain).toMatchObject({ key: 'auth.max_failures', value: 9, source: 'domain:example.org' });
    expect(forDomain.description).toBe(POLICIES['auth.max_failures'].description);
  });

  it('set: converts text to the key type (enum, integer, boolean)', async () => {
    const data = await dataWith();
    expect(expectSuccess(await runCLI(['policy', 'set', 'password.strength', 'strong'], { data }))).toBe(
      'policy password.strength = "strong"\n',
    );
    expect(expectSuccess(await runCLI(['policy', 'set', 'auth.max_failures', '7'], { data }))).toBe('policy auth.max_failures = 7\n');
    expect(expectSuccess(await runCLI(['policy', 'set', 'password.hints_enabled', 'on'], { data }))).toBe(
      'policy password.hints_enabled = true\n',
    );
    await withDataDir(data, async (app) => {
      expect(await app.policies.entry('password.strength')).toMatchObject({ value: 'strong', source: 'global' });
      expect(await app.policies.entry('auth.max_failures')).toMatchObject({ value: 7, source: 'global' });
      expect(await app.policies.entry('password.hints_enabled')).toMatchObject({ value: true, source: 'global' });
      expect(await app.policies.entry('security_code.enabled')).toMatchObject({ value: false, source: 'default' });
    });
  });

  it('refuses a bad value, an unknown key and an unknown --domain, naming what is wrong', async () => {
    const [badValue, unknownKey, setUnknownDomain, getUnknownDomain] = await Promise.all([
      runCLI(['policy', 'set', 'auth.max_failures', 'seven'], { data: tempDataDir() }),
      runCLI(['policy', 'set', 'auth.max_failure', '7'], { data: tempDataDir() }),
      runCLI(['policy', 'set', 'password.strength', 'strong', '--domain', 'nowhere.example'], { data: tempDataDir() }),
      runCLI(['policy', 'get', 'password.strength', '--domain', 'nowhere.example'], { data: tempDataDir() }),
    ]);
    expectOneLineError(badValue, { code: 1, matches: /policy auth\.max_failures: .*"seven"/ });
    expectOneLineError(unknownKey, { code: 1, matches: /unknown policy key "auth\.max_failure"/ });
    expectOneLineError(setUnknownDomain, { code: 1, matches: /domain nowhere\.example does not exist/ });
    expectOneLineError(getUnknownDomain, { code: 1, matches: /domain nowhere\.example does not exist/ });
  });

  it('password.strength very_strong makes user passwd refuse a 10-character password', async () => {
    const data = await dataWith(['alice@example.org']);
    const tenChars = 'Kq7-vZ3mWx';
    expect([...tenChars]).toHaveLength(10);
    expectSuccess(await runCLI(['policy', 'set', 'password.strength', 'very_strong'], { data }));
    const refused = await runCLI(['user', 'passwd', 'alice@example.org', '--password-stdin'], { data, stdin: `${tenChars}\n` });
    expectOneLineError(refused, { code: 1, matches: /at least 14 characters/ });
    // The same password passes the default level: the refusal came from the policy just set.
    await withDataDir(data, async (app) => {
      await app.policies.set('password.strength', 'medium');
      await app.accounts.checkNewPassword('alice@example.org', tenChars);
    });
  });
});
