// `mailward domain add|list|remove` as a child process: IDN normalisation, JSON output and one-line failures.
// Each test has its own data directory, so the tests run side by side (a CLI run is mostly Node start-up).
import { expect, it } from 'vitest';
import { dataWith, describeCLI, expectOneLineError, expectSuccess, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

const IDN = 'bücher.example';
const IDN_ASCII = 'xn--bcher-kva.example';

interface DomainJSON {
  name: string;
  createdAt: string;
}

/** The stored domain names, read in this process. */
function domainNames(data: string): Promise<string[]> {
  return withDataDir(data, async (app) => (await app.accounts.listDomains()).map((d) => d.name));
}

// Nothing any command printed may carry a password hash.
describeCLI('mailward domain', { neverPrinted: '$argon2' }, () => {
  it('adds an IDN domain in its A-label form, lists it, and refuses a duplicate however it is spelt', async () => {
    const data = await dataWith();
    expect(expectSuccess(await runCLI(['domain', 'add', IDN], { data }))).toBe(`domain ${IDN_ASCII} added\n`);

    const domains = JSON.parse(expectSuccess(await runCLI(['domain', 'list', '--json'], { data }))) as DomainJSON[];
    expect(domains.map((d) => d.name)).toEqual(['example.org', IDN_ASCII]);
    for (const domain of domains) expect(Number.isNaN(Date.parse(domain.createdAt))).toBe(false);

    // Upper-case U-label: the same domain once normalised; the message names its stored form.
    expectOneLineError(await runCLI(['domain', 'add', 'BÜCHER.example'], { data }), {
      code: 1,
      matches: /domain xn--bcher-kva\.example already exists/,
    });
    expect(await domainNames(data)).toEqual(['example.org', IDN_ASCII]);
  });

  it('removes only a served domain without accounts', async () => {
    const data = tempDataDir();
    await withDataDir(data, async (app) => {
      await app.accounts.addDomain(IDN);
      await app.accounts.addUser({ address: `carol@${IDN}`, password: 'Correct-h0rse' });
    });
    expectOneLineError(await runCLI(['domain', 'remove', 'nowhere.example'], { data }), {
      code: 1,
      matches: /domain nowhere\.example does not exist/,
    });
    expectOneLineError(await runCLI(['domain', 'remove', IDN], { data }), {
      code: 1,
      matches: /domain xn--bcher-kva\.example still has 1 account\(s\)/,
    });
    expect(await domainNames(data)).toEqual([IDN_ASCII]);

    await withDataDir(data, (app) => app.accounts.deleteUser(`carol@${IDN}`));
    expect(expectSuccess(await runCLI(['domain', 'remove', 'BÜCHER.example'], { data }))).toBe(`domain ${IDN_ASCII} removed\n`);
    expect(await domainNames(data)).toEqual([]);
  });
});
