// `mailward user …` as a child process: passwords only from stdin, one-time passwords, JSON views without hashes, one-line failures.
// Each test has its own data directory, so the tests run side by side (a CLI run is mostly Node start-up).
import { expect, it } from 'vitest';
import { ACCOUNT_PASSWORD as PASSWORD, dataWith, describeCLI, expectOneLineError, expectSuccess, lines, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

interface AccountJSON {
  address: string;
  displayName: string;
  status: string;
  disabledReason: string | null;
  disabledAt: string | null;
  admin: boolean;
  mustChangePassword: boolean;
  aliases: string[];
}

const ONE_TIME_PASSWORD = /^one-time password \(shown once; must be changed at first sign-in\): (\S+)$/;

/** Whether `password` opens the account, checked in this process against what the CLI stored. */
function passwordWorks(data: string, address: string, password: string): Promise<boolean> {
  return withDataDir(data, async (app) => app.accounts.verifyPassword(await app.accounts.getUser(address), password));
}

async function show(data: string, address: string): Promise<AccountJSON> {
  return JSON.parse(expectSuccess(await runCLI(['user', 'show', address, '--json'], { data }))) as AccountJSON;
}

// Whatever the command, no output may carry a password hash.
describeCLI('mailward user', { neverPrinted: '$argon2' }, () => {
  it('adds a user with the password piped to --password-stdin', async () => {
    const data = await dataWith([]);
    const out = expectSuccess(
      await runCLI(['user', 'add', 'Alice@Example.org', '--name', 'Alice Liddell', '--admin', '--password-stdin'], {
        data,
        stdin: `${PASSWORD}\n`,
      }),
    );
    expect(out).toBe('account alice@example.org added\n');
    expect(await withDataDir(data, (app) => app.accounts.getUser('alice@example.org'))).toMatchObject({
      displayName: 'Alice Liddell',
      admin: true,
      mustChangePassword: false,
      status: 'active',
    });
    expect(await passwordWorks(data, 'alice@example.org', PASSWORD)).toBe(true);
  });

  it('adds a user without --password-stdin: prints a one-time password once and requires a change', async () => {
    const data = await dataWith([]);
    // Standard input is ignored without --password-stdin.
    const out = lines(expectSuccess(await runCLI(['user', 'add', 'bob@example.org'], { data, stdin: 'Ign0red-passw0rd\n' })));
    expect(out).toHaveLength(2);
    expect(out[0]).toBe('account bob@example.org added');
    const password = ONE_TIME_PASSWORD.exec(out[1] ?? '')?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);

    const bob = await show(data, 'bob@example.org');
    expect(bob).toMatchObject({ address: 'bob@example.org', admin: false, mustChangePassword: true });
    expect(JSON.stringify(bob)).not.toContain(password);
    expect(await passwordWorks(data, 'bob@example.org', password)).toBe(true);
    expect(await passwordWorks(data, 'bob@example.org', 'Ign0red-passw0rd')).toBe(false);
  });

  it('lists users as JSON, filtered by domain, with an allow-listed set of fields', async () => {
    const data = await dataWith(['alice@example.org', 'bob@example.org']);
    await withDataDir(data, async (app) => {
      await app.accounts.addDomain('example.net');
      await app.accounts.addUser({ address: 'carol@example.net', password: PASSWORD, admin: true });
    });
    const json = await runCLI(['user', 'list', '--domain', 'EXAMPLE.org', '--json'], { data });
    const accounts = JSON.parse(expectSuccess(json)) as AccountJSON[];
    expect(accounts.map((a) => a.address)).toEqual(['alice@example.org', 'bob@example.org']);
    for (const account of accounts) {
      expect(Object.keys(account).filter((key) => /hash|secret/i.test(key))).toEqual([]);
      expect(account).toMatchObject({ status: 'active', admin: false, mustChangePassword: false, disabledReason: null });
    }
  });

  it('passwd: refuses a weak password with the reason, then sets a good one read from stdin', async () => {
    const data = await dataWith(['alice@example.org'], { mustChangePassword: true });
    const short = await runCLI(['user', 'passwd', 'alice@example.org', '--password-stdin'], { data, stdin: 'sh0rt\n' });
    expectOneLineError(short, { code: 1, matches: /password: at least 8 characters are required/ });
    expect(short.stderr).not.toContain('sh0rt');
    expect(await passwordWorks(data, 'alice@example.org', PASSWORD)).toBe(true);

    const out = expectSuccess(await runCLI(['user', 'passwd', 'alice@example.org', '--password-stdin'], { data, stdin: 'N3w-and-long-enough\n' }));
    expect(lines(out)).toHaveLength(1);
    expect(out).toMatch(/^password of alice@example\.org changed\b/);
    expect(out).not.toContain('N3w-and-long-enough');
    expect((await withDataDir(data, (app) => app.accounts.getUser('alice@example.org'))).mustChangePassword).toBe(false);
    expect(await passwordWorks(data, 'alice@example.org', 'N3w-and-long-enough')).toBe(true);
    expect(await passwordWorks(data, 'alice@example.org', PASSWORD)).toBe(false);
  });

  it('disable needs --reason (usage error) and shows in user show; enable undoes it; delete removes', async () => {
    const data = await dataWith(['bob@example.org']);
    expectOneLineError(await runCLI(['user', 'disable', 'bob@example.org'], { data }), {
      code: 2,
      matches: /required option '--reason <text>' not specified/,
    });

    expect(expectSuccess(await runCLI(['user', 'disable', 'bob@example.org', '--reason', 'left the company'], { data }))).toBe(
      'account bob@example.org disabled\n',
    );
    const disabled = await show(data, 'bob@example.org');
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: 'left the company' });
    expect(Number.isNaN(Date.parse(disabled.disabledAt ?? ''))).toBe(false);

    expect(expectSuccess(await runCLI(['user', 'enable', 'bob@example.org'], { data }))).toBe('account bob@example.org enabled\n');
    expect(await show(data, 'bob@example.org')).toMatchObject({ status: 'active', disabledReason: null, disabledAt: null });

    expect(expectSuccess(await runCLI(['user', 'delete', 'BOB@example.org'], { data }))).toBe('account bob@example.org deleted\n');
    expect(await withDataDir(data, (app) => app.accounts.resolve('bob@example.org'))).toBeUndefined();
  });

  it('refuses a duplicate, a malformed address and a domain that is not served, with one line', async () => {
    const stdin = 'An0ther-passw0rd\n';
    const [duplicate, malformed, unknownDomain] = await Promise.all([
      runCLI(['user', 'add', 'ALICE@example.org', '--password-stdin'], { data: await dataWith(['alice@example.org']), stdin }),
      runCLI(['user', 'add', 'not an address', '--password-stdin'], { data: tempDataDir(), stdin }),
      runCLI(['user', 'add', 'carol@nowhere.example', '--password-stdin'], { data: tempDataDir(), stdin }),
    ]);
    expectOneLineError(duplicate, { code: 1, matches: /account alice@example\.org already exists/ });
    expectOneLineError(malformed, { code: 1, matches: /invalid address "not an address": contains spaces/ });
    expectOneLineError(unknownDomain, { code: 1, matches: /domain nowhere\.example is not served here/ });
  });

  it('refuses a password on the command line and an unknown command as usage errors (exit 2)', async () => {
    const data = tempDataDir();
    const [onCommandLine, unknownCommand] = await Promise.all([
      runCLI(['user', 'add', 'carol@example.org', '--password', 'secret'], { data }),
      runCLI(['user', 'frobnicate', 'carol@example.org'], { data }),
    ]);
    const line = expectOneLineError(onCommandLine, { code: 2, matches: /use --password-stdin/ });
    expect(line).not.toContain('secret');
    expectOneLineError(unknownCommand, { code: 2, matches: /unknown command 'frobnicate'/ });
  });
});
