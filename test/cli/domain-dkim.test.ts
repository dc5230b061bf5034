// `mailward domain dkim` as a child process: the printed TXT record is the stored public key, mail signed with the key verifies against it, --rotate moves to a new selector.
import { dkimVerify } from 'mailauth';
import { expect, it } from 'vitest';
import { createDKIMSigner, toMailauthResolver } from '../../src/transport/index.js';
import { createStubResolver } from '../../src/transport/dns/dns-resolver.js';
import { loadServerKey } from '../../src/kernel/index.js';
import { dataWith, describeCLI, expectOneLineError, expectSuccess, lines, runCLI, withDataDir } from '../support/cli.js';

interface DKIMJSON {
  domain: string;
  selector: string;
  algorithm: string;
  createdAt: string;
  created: boolean;
  retired: string | null;
  record: { name: string; type: string; value: string; strings: string[]; zoneLine: string };
}

const MESSAGE = Buffer.from('From: alice@example.org\r\nTo: bob@example.net\r\nSubject: hello\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n');

/** The zone-file line of the output: name and the quoted character-strings. */
function parseZoneLine(output: string): { name: string; strings: string[] } {
  const line = lines(output).find((l) => l.includes(' IN TXT '));
  const match = /^(\S+) IN TXT ((?:"[^"]*" ?)+)$/.exec(line ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`no TXT record line in: ${output}`);
  return { name: match[1], strings: [...match[2].matchAll(/"([^"]*)"/g)].map((m) => m[1]!) };
}

/** The public keys stored for a domain, newest first, read in this process. */
function storedKeys(data: string, domain: string): Promise<Array<{ selector: string; publicKey: string; active: boolean }>> {
  return withDataDir(data, async (app) => {
    const row = await app.store.domains.findByName(domain);
    return (await app.store.dkim.listForDomain(row!.id)).map((k) => ({ selector: k.selector, publicKey: k.public_key, active: k.active === 1 }));
  });
}

/** Signs in this process with the data directory's keys and verifies against the record as printed. */
async function signAndVerify(data: string, record: { name: string; strings: string[] }): Promise<Array<{ selector: string | undefined; result: string }>> {
  const signed = await withDataDir(data, (app) =>
    createDKIMSigner({ store: app.store, key: loadServerKey({ dataDir: data, env: {} }), now: Date.now }).sign(MESSAGE, { domain: 'example.org' }),
  );
  const resolver = toMailauthResolver(createStubResolver({ txt: { [record.name]: [record.strings] } }));
  const result = await dkimVerify(signed, { resolver });
  return result.results.map((r) => ({ selector: r.selector, result: r.status.result }));
}

describeCLI('mailward domain dkim', { neverPrinted: 'PRIVATE KEY' }, () => {
  it('creates a key, prints the TXT record of the stored public key, and mail signed with it verifies', async () => {
    const data = await dataWith();
    const out = expectSuccess(await runCLI(['domain', 'dkim', 'Example.org'], { data }));
    expect(lines(out)).toHaveLength(2);
    expect(out).toMatch(/^DKIM key mw\d{8} \(rsa-sha256\) for example\.org created\./);

    const record = parseZoneLine(out);
    const [stored] = await storedKeys(data, 'example.org');
    expect(record.name).toBe(`${stored!.selector}._domainkey.example.org`);
    for (const s of record.strings) expect(s.length).toBeLessThanOrEqual(255);
    expect(record.strings.join('')).toBe(`v=DKIM1; k=rsa; p=${stored!.publicKey}`);
    expect(await signAndVerify(data, record)).toEqual([{ selector: stored!.selector, result: 'pass' }]);

    // Asked again: the same key and record, nothing created.
    const again = expectSuccess(await runCLI(['domain', 'dkim', 'example.org'], { data }));
    expect(again).toMatch(/is active since \d{4}-\d\d-\d\dT/);
    expect(parseZoneLine(again)).toEqual(record);
    expect(await storedKeys(data, 'example.org')).toHaveLength(1);
  });

  it('rotates to a new selector with --rotate, retiring the old key, and prints JSON with --json', async () => {
    const data = await dataWith();
    const first = JSON.parse(expectSuccess(await runCLI(['domain', 'dkim', 'example.org', '--json'], { data }))) as DKIMJSON;
    expect(first).toMatchObject({ domain: 'example.org', algorithm: 'rsa-sha256', created: true, retired: null, record: { type: 'TXT' } });
    expect(first.record.zoneLine).toBe(`${first.record.name} IN TXT ${first.record.strings.map((s) => `"${s}"`).join(' ')}`);

    const rotated = expectSuccess(await runCLI(['domain', 'dkim', 'example.org', '--rotate', '--selector', 'spring2027'], { data }));
    expect(rotated).toContain(`replaces ${first.selector}, which no longer signs`);
    const record = parseZoneLine(rotated);
    expect(record.name).toBe('spring2027._domainkey.example.org');
    expect(record.strings.join('')).not.toBe(first.record.value);
    expect((await storedKeys(data, 'example.org')).map((k) => [k.selector, k.active])).toEqual([
      ['spring2027', true],
      [first.selector, false],
    ]);
    expect(await signAndVerify(data, record)).toEqual([{ selector: 'spring2027', result: 'pass' }]);

    const json = JSON.parse(expectSuccess(await runCLI(['domain', 'dkim', 'example.org', '--rotate', '--json'], { data }))) as DKIMJSON;
    expect(json).toMatchObject({ created: true, retired: 'spring2027' });
    expect(json.selector).not.toBe('spring2027');
    expect(Object.keys(json).sort()).toEqual(['algorithm', 'created', 'createdAt', 'domain', 'record', 'retired', 'selector']);
  });

  it('fails with one line for an unknown domain, a bad selector or a selector change without --rotate', async () => {
    const data = await dataWith();
    expectOneLineError(await runCLI(['domain', 'dkim', 'nowhere.example'], { data }), { code: 1, matches: /domain nowhere\.example does not exist/ });
    expectOneLineError(await runCLI(['domain', 'dkim', 'example.org', '--selector', 'bad_selector'], { data }), { code: 1, matches: /not a valid DNS label/ });
    expectOneLineError(await runCLI(['domain', 'dkim', 'example.org', '--algorithm', 'dsa'], { data }), { code: 2 });
    expectSuccess(await runCLI(['domain', 'dkim', 'example.org'], { data }));
    expectOneLineError(await runCLI(['domain', 'dkim', 'example.org', '--selector', 'other'], { data }), { code: 1, matches: /--rotate|rotate to replace it/ });
  });
});
