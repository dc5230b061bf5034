// DKIM keys and signing over SQLite and PostgreSQL: keys encrypted at rest, rotation, and signatures mailauth verifies (and rejects once tampered).
import { randomBytes } from 'node:crypto';
import { dkimVerify } from 'mailauth';
import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryDialect, liveStore, testStore } from '../../../test/support/every-dialect.js';
import { ServerKey } from '../../kernel/index.js';
import { createStubResolver } from '../dns/dns-resolver.js';
import type { DKIMKeyInfo } from './dkim-keys.js';
import { DKIMKeys, dkimDNSRecord } from './dkim-keys.js';
import { DKIMSigner } from './dkim-signer.js';
import { toMailauthResolver } from './mailauth-resolver.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

const MESSAGE = Buffer.from(
  'From: Alice <alice@example.org>\r\n' +
    'To: bob@example.net\r\n' +
    'Cc: carol@example.net\r\n' +
    'Reply-To: alice@example.org\r\n' +
    'In-Reply-To: <a@example.org>\r\n' +
    'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= and   spaces\r\n' +
    'Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n' +
    'Message-ID: <m1@example.org>\r\n' +
    'References: <a@example.org>\r\n' +
    '\t<b@example.org>\r\n' +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    'X-Unsigned: may change\r\n' +
    '\r\n' +
    'Hello Bob,  \r\nsee you at the lake.\r\n\r\n\r\n',
);

/** A resolver that serves the TXT records of these keys, as the CLI prints them (character-strings of ≤255). */
function resolverFor(keys: DKIMKeyInfo[]): ReturnType<typeof toMailauthResolver> {
  const txt: Record<string, string[][]> = {};
  for (const key of keys) {
    const record = dkimDNSRecord(key);
    txt[record.name] = [record.strings];
  }
  return toMailauthResolver(createStubResolver({ txt }));
}

async function verify(raw: Buffer, keys: DKIMKeyInfo[]): Promise<Array<{ domain: string; selector: string | undefined; result: string }>> {
  const result = await dkimVerify(raw, { resolver: resolverFor(keys), curTime: new Date(NOW + 60_000) });
  return result.results.map((r) => ({ domain: r.signingDomain, selector: r.selector, result: r.status.result }));
}

describeOnEveryDialect('DKIM keys and signing', testStore, (t) => {
  const store = liveStore(t);
  let serverKey: ServerKey;
  let keys: DKIMKeys;
  let signer: DKIMSigner;
  let now: number;

  beforeEach(async () => {
    now = NOW;
    serverKey = new ServerKey(randomBytes(32));
    keys = new DKIMKeys({ store, key: serverKey, now: () => now });
    signer = new DKIMSigner({ keys, now: () => now });
    await store.domains.create({ name: 'example.org', now: NOW });
  });

  it('creates one RSA 2048 key per domain, keeps it, and publishes it as TXT strings of at most 255 characters', async () => {
    const first = await keys.ensure('Example.ORG');
    expect(first).toMatchObject({ created: true, retired: null, key: { domain: 'example.org', selector: 'mw20261123', algorithm: 'rsa-sha256', active: true } });
    const again = await keys.ensure('example.org');
    expect(again).toMatchObject({ created: false, key: { selector: 'mw20261123', publicKey: first.key.publicKey } });

    const record = dkimDNSRecord(first.key);
    expect(record.name).toBe('mw20261123._domainkey.example.org');
    expect(record.value).toBe(`v=DKIM1; k=rsa; p=${first.key.publicKey}`);
    expect(record.strings.join('')).toBe(record.value);
    expect(record.strings.length).toBeGreaterThan(1);
    for (const s of record.strings) expect(s.length).toBeLessThanOrEqual(255);
    expect(record.zoneLine).toBe(`mw20261123._domainkey.example.org IN TXT ${record.strings.map((s) => `"${s}"`).join(' ')}`);
    // 2048-bit SPKI: 294 bytes of DER.
    expect(Buffer.from(first.key.publicKey, 'base64')).toHaveLength(294);
  });

  it('stores the private key only as AES-256-GCM ciphertext, bound to the server key', async () => {
    await keys.ensure('example.org');
    const [signing] = await keys.signingKeys('example.org');
    const der = signing!.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const pem = String(signing!.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const pemBody = pem.split('\n')[1]!;
    const domain = await store.domains.findByName('example.org');
    const [row] = await store.dkim.listForDomain(domain!.id);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain('PRIVATE KEY');
    for (const plain of [der.slice(0, 40), der.slice(400, 440), pemBody.slice(0, 40)]) expect(stored).not.toContain(plain);
    expect(Buffer.from(row!.private_key_iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(row!.private_key_tag, 'base64')).toHaveLength(16);

    // Another server key cannot open it: an explicit configuration error, not a signature made with garbage.
    const stranger = new DKIMKeys({ store, key: new ServerKey(randomBytes(32)), now: () => now });
    await expect(stranger.signingKeys('example.org')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('signs so that mailauth verifies dkim=pass, over-signing From', async () => {
    const { key } = await keys.ensure('example.org');
    const signed = await signer.sign(MESSAGE, { domain: 'example.org' });
    expect(signed.subarray(signed.length - MESSAGE.length).equals(MESSAGE)).toBe(true);
    const header = signed.subarray(0, signed.length - MESSAGE.length).toString('latin1');
    expect(header).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.org;/);
    const unfolded = header.replace(/\r\n[ \t]/g, ' ');
    expect(/ h=([^;]+);/.exec(unfolded)?.[1]?.replace(/\s+/g, '')).toBe(
      'From:From:To:Cc:Subject:Date:Message-ID:Reply-To:MIME-Version:Content-Type:In-Reply-To:References',
    );
    expect(unfolded).toContain(`s=${key.selector};`);
    expect(unfolded).toContain(`t=${Math.floor(NOW / 1000)};`);
    for (const line of header.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(await verify(signed, [key])).toEqual([{ domain: 'example.org', selector: key.selector, result: 'pass' }]);

    // Raw UTF-8 in a signed header (SMTPUTF8) is hashed as its bytes.
    const utf8 = Buffer.from(MESSAGE.toString('utf8').replace('=?utf-8?q?Gr=C3=BC=C3=9Fe?=', 'Grüße, Zoë'), 'utf8');
    const utf8Signed = await signer.sign(utf8, { domain: 'example.org' });
    expect((await verify(utf8Signed, [key]))[0]?.result).toBe('pass');

    // Fields outside h= may change on the way.
    const relabelled = Buffer.from(signed.toString('latin1').replace('X-Unsigned: may change', 'X-Unsigned: changed'), 'latin1');
    expect((await verify(relabelled, [key]))[0]?.result).toBe('pass');
  });

  it('fails verification when a signed header, the body or an added From changes the message', async () => {
    const { key } = await keys.ensure('example.org');
    const signed = (await signer.sign(MESSAGE, { domain: 'example.org' })).toString('latin1');
    const tampered = {
      subject: signed.replace('and   spaces', 'and  spaces!'),
      body: signed.replace('see you at the lake', 'see you at the bank'),
      // A second From above the signed one: the over-signed h= entry now covers it.
      addedFrom: signed.replace('From: Alice', 'From: Mallory <ceo@example.org>\r\nFrom: Alice'),
    };
    const results: Record<string, string | undefined> = {};
    for (const [what, text] of Object.entries(tampered)) results[what] = (await verify(Buffer.from(text, 'latin1'), [key]))[0]?.result;
    // mailauth says "neutral" (body hash did not verify) for a changed body: anything but pass fails DMARC alignment.
    expect(results).toEqual({ subject: 'fail', body: 'neutral', addedFrom: 'fail' });
  });

  it('leaves mail of a domain without a key (or not ours) unchanged', async () => {
    expect(await signer.sign(MESSAGE, { domain: 'example.org' })).toBe(MESSAGE);
    expect(await signer.sign(MESSAGE, { domain: 'elsewhere.example' })).toBe(MESSAGE);
    expect(await signer.sign(MESSAGE, { domain: 'not a domain' })).toBe(MESSAGE);
  });

  it('signs bare-LF input as the CRLF message it becomes on the wire', async () => {
    const { key } = await keys.ensure('example.org');
    const lf = Buffer.from(MESSAGE.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const signed = await signer.sign(lf, { domain: 'example.org' });
    expect(signed.includes('\r\n\r\nHello Bob')).toBe(true);
    expect((await verify(signed, [key]))[0]?.result).toBe('pass');
  });

  it('rotates to a new selector in one step: the old key stops signing, the new one verifies', async () => {
    const first = await keys.ensure('example.org');
    now += 1000;
    const second = await keys.ensure('example.org', { rotate: true });
    expect(second.created).toBe(true);
    expect(second.key.selector).toBe('mw20261123-2');
    expect(second.retired?.selector).toBe(first.key.selector);
    expect(second.key.publicKey).not.toBe(first.key.publicKey);
    const listed = await keys.list('example.org');
    expect(listed.map((k) => [k.selector, k.active])).toEqual([
      ['mw20261123-2', true],
      ['mw20261123', false],
    ]);
    expect(listed[1]?.retiredAt).toBe(now);

    const signed = await signer.sign(MESSAGE, { domain: 'example.org' });
    expect(await verify(signed, [first.key, second.key])).toEqual([{ domain: 'example.org', selector: 'mw20261123-2', result: 'pass' }]);

    const third = await keys.ensure('example.org', { rotate: true, selector: 'Spring2027' });
    expect(third.key.selector).toBe('spring2027');
    await expect(keys.ensure('example.org', { rotate: true, selector: 'mw20261123' })).rejects.toMatchObject({ code: 'EXISTS' });
    await expect(keys.ensure('example.org', { selector: 'other' })).rejects.toMatchObject({ code: 'EXISTS' });
    await expect(keys.ensure('example.org', { rotate: true, selector: 'bad_selector' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('signs with an Ed25519 key beside the RSA one (RFC 8463), both verifying', async () => {
    const rsa = await keys.ensure('example.org');
    const ed = await keys.ensure('example.org', { algorithm: 'ed25519-sha256' });
    expect(ed.key.selector).toBe('mw20261123-ed');
    expect(Buffer.from(ed.key.publicKey, 'base64')).toHaveLength(32);
    expect(dkimDNSRecord(ed.key).value).toBe(`v=DKIM1; k=ed25519; p=${ed.key.publicKey}`);
    const signed = await signer.sign(MESSAGE, { domain: 'example.org' });
    const results = await verify(signed, [rsa.key, ed.key]);
    expect(results.map((r) => [r.selector, r.result]).sort()).toEqual([
      ['mw20261123', 'pass'],
      ['mw20261123-ed', 'pass'],
    ]);
  });

  it('refuses an unknown domain and drops the keys with their domain', async () => {
    await expect(keys.ensure('nowhere.example')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await keys.ensure('example.org');
    await store.domains.remove('example.org');
    expect(await store.dkim.listActiveByDomainName('example.org')).toEqual([]);
    expect(await signer.sign(MESSAGE, { domain: 'example.org' })).toBe(MESSAGE);
  });

  it('keeps one active key when two processes create the first key at once', async () => {
    const other = new DKIMKeys({ store, key: serverKey, now: () => now });
    const results = await Promise.all([keys.ensure('example.org'), other.ensure('example.org')]);
    const active = (await keys.list('example.org')).filter((k) => k.active);
    expect(active).toHaveLength(1);
    expect(results.map((r) => r.key.selector)).toEqual([active[0]!.selector, active[0]!.selector]);
  });
});
