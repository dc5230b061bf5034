// SenderAuthenticator against a stub DNS zone: SPF results, DKIM through our signer, DMARC p=reject with and without enforcement, the header we write.
import { generateKeyPairSync } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { describe, expect, it, vi } from 'vitest';
import type { DNSResolver, StubZone } from '../dns/dns-resolver.js';
import { createStubResolver } from '../dns/dns-resolver.js';
import { dkimDNSRecord } from './dkim-keys.js';
import { DKIMSigner } from './dkim-signer.js';
import type { SenderAuthCheck, SenderAuthenticatorDeps } from './sender-authenticator.js';
import { SenderAuthenticator } from './sender-authenticator.js';

const HOST = 'mx.mailward.test';
const GOOD_IP = '192.0.2.10';
const BAD_IP = '198.51.100.7';

const ZONE: StubZone = {
  txt: {
    'example.org': [['v=spf1 ip4:192.0.2.0/24 -all']],
    '_dmarc.example.org': [['v=DMARC1; p=reject; rua=mailto:dmarc@example.org']],
    'soft.example': [['v=spf1 ip4:192.0.2.0/24 ~all']],
    'relaxed.example': [['v=spf1 -all']],
    '_dmarc.relaxed.example': [['v=DMARC1; p=reject; pct=30']],
    'monitor.example': [['v=spf1 -all']],
    '_dmarc.monitor.example': [['v=DMARC1; p=none']],
  },
};

function message(from: string, extra = ''): Buffer {
  return Buffer.from(
    `${extra}From: ${from}\r\nTo: bob@mailward.test\r\nSubject: quarterly numbers\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <q@x>\r\n\r\nHi Bob\r\n`,
  );
}

function authenticator(zone: StubZone = ZONE, deps: Partial<SenderAuthenticatorDeps> = {}): SenderAuthenticator {
  return new SenderAuthenticator({ resolver: createStubResolver(zone), ...deps });
}

function check(input: Partial<SenderAuthCheck> & { raw: Buffer }, auth = authenticator()): ReturnType<SenderAuthenticator['check']> {
  return auth.check({ ip: GOOD_IP, helo: 'mail.example.org', mailFrom: 'ceo@example.org', hostname: HOST, dmarcEnforce: true, ...input });
}

/** RFC 8601 §2.2, enough for our own header: authserv-id, then "method=result props…" per result. */
function parseAuthResults(header: string): { authservId: string; results: Array<{ method: string; result: string; props: Record<string, string> }> } {
  const match = /^Authentication-Results:\s*(.*)\r\n$/s.exec(header);
  if (!match?.[1]) throw new Error(`not an Authentication-Results header: ${header}`);
  expect(match[1]).not.toMatch(/\r\n(?![ \t])/);
  const unfolded = match[1].replace(/\r\n(?=[ \t])/g, '').replace(/\([^)]*\)/g, '');
  const [authservId = '', ...rest] = unfolded.split(';').map((s) => s.trim());
  return {
    authservId,
    results: rest.map((text) => {
      const [head = '', ...props] = text.split(/\s+/);
      const [method = '', result = ''] = head.split('=');
      return { method, result, props: Object.fromEntries(props.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])) };
    }),
  };
}

describe('SenderAuthenticator', () => {
  it.each([
    ['pass', GOOD_IP, 'ceo@example.org'],
    ['fail', BAD_IP, 'ceo@example.org'],
    ['softfail', BAD_IP, 'news@soft.example'],
    ['none', BAD_IP, 'someone@no-spf.example'],
  ])('SPF %s for %s sending as %s', async (expected, ip, mailFrom) => {
    const result = await check({ raw: message(mailFrom), ip, mailFrom, dmarcEnforce: false });
    expect(result.verdicts.spf).toBe(expected);
    expect(parseAuthResults(result.header).results[0]).toMatchObject({ method: 'spf', result: expected, props: { 'smtp.mailfrom': mailFrom } });
  });

  it('checks the HELO name for a bounce (null sender) and reads IPv4-mapped client addresses', async () => {
    const zone: StubZone = { txt: { ...ZONE.txt, 'mail.example.org': [['v=spf1 ip4:192.0.2.10 -all']] } };
    const result = await check({ raw: message('mailer-daemon@example.org'), mailFrom: '', ip: `::ffff:${GOOD_IP}` }, authenticator(zone));
    expect(result.verdicts.spf).toBe('pass');
    expect(parseAuthResults(result.header).results[0]?.props['smtp.mailfrom']).toBe('postmaster@mail.example.org');
  });

  it('writes one folded header with spf, dkim, dmarc and arc, in that order, that parses back', async () => {
    const result = await check({ raw: message('ceo@example.org') });
    const parsed = parseAuthResults(result.header);
    expect(parsed.authservId).toBe(HOST);
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=pass', 'dkim=none', 'dmarc=pass', 'arc=none']);
    expect(parsed.results[2]?.props['header.from']).toBe('example.org');
    for (const line of result.header.split('\r\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(result.verdicts).toEqual({ spf: 'pass', dkim: [], dmarc: { result: 'pass', policy: 'reject', domain: 'example.org' }, arc: 'none' });
    expect(result.reject).toBeUndefined();

    // A MIME parser reads it back as one field of the message it is prepended to.
    const mail = await simpleParser(Buffer.concat([Buffer.from(result.header), message('ceo@example.org')]));
    expect(String(mail.headers.get('authentication-results'))).toMatch(/^mx\.mailward\.test; spf=pass .* dmarc=pass .*; arc=none$/);
  });

  it('reports dkim=pass for a message signed with a key the zone publishes, and DMARC passes through DKIM alone', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = { domain: 'example.org', selector: 'sel1', algorithm: 'rsa-sha256' as const };
    const record = dkimDNSRecord({ ...key, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') });
    const signer = new DKIMSigner({ keys: { signingKeys: async () => [{ ...key, privateKey }] }, now: Date.now });
    const signed = await signer.sign(message('ceo@example.org'), { domain: 'example.org' });
    const zone: StubZone = { txt: { ...ZONE.txt, [record.name]: [record.strings] } };

    const result = await check({ raw: signed, ip: BAD_IP }, authenticator(zone));
    expect(result.verdicts).toMatchObject({ spf: 'fail', dkim: [{ domain: 'example.org', result: 'pass' }], dmarc: { result: 'pass' } });
    expect(parseAuthResults(result.header).results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=fail', 'dkim=pass', 'dmarc=pass', 'arc=none']);
    expect(result.reject).toBeUndefined();

    const tampered = Buffer.from(signed.toString('latin1').replace('quarterly numbers', 'wire the money now'), 'latin1');
    const forged = await check({ raw: tampered, ip: BAD_IP }, authenticator(zone));
    expect(forged.verdicts).toMatchObject({ dkim: [{ domain: 'example.org', result: 'fail' }], dmarc: { result: 'fail', policy: 'reject' } });
    expect(forged.reject).toMatchObject({ code: 550, enhanced: '5.7.1' });
  });

  it('refuses DMARC p=reject failures only while enforcement is on', async () => {
    const spoof = { raw: message('CEO <ceo@example.org>'), ip: BAD_IP, mailFrom: 'bounce@attacker.example' };
    const enforced = await check({ ...spoof, dmarcEnforce: true });
    expect(enforced.verdicts.dmarc).toEqual({ result: 'fail', policy: 'reject', domain: 'example.org' });
    expect(enforced.reject).toEqual({ code: 550, enhanced: '5.7.1', message: expect.stringContaining('DMARC policy of example.org') });
    expect(parseAuthResults(enforced.header).results[2]).toMatchObject({ method: 'dmarc', result: 'fail' });

    const relaxed = await check({ ...spoof, dmarcEnforce: false });
    expect(relaxed.verdicts.dmarc.result).toBe('fail');
    expect(relaxed.reject).toBeUndefined();
    expect(relaxed.header).toBe(enforced.header);

    // p=none only reports.
    const monitored = await check({ raw: message('ceo@monitor.example'), ip: BAD_IP, mailFrom: 'ceo@monitor.example' });
    expect(monitored.verdicts.dmarc).toMatchObject({ result: 'fail', policy: 'none' });
    expect(monitored.reject).toBeUndefined();
  });

  it('asks the policy lookup with the recipient domains when the caller gives no decision', async () => {
    const lookup = vi.fn(async (domains: string[]) => domains.includes('strict.test'));
    const auth = authenticator(ZONE, { dmarcEnforce: lookup });
    const spoof = { raw: message('ceo@example.org'), ip: BAD_IP, mailFrom: 'x@attacker.example', dmarcEnforce: undefined };
    expect((await check({ ...spoof, recipientDomains: ['strict.test'] }, auth)).reject?.code).toBe(550);
    expect((await check({ ...spoof, recipientDomains: ['lenient.test'] }, auth)).reject).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(2);
    // No lookup and no decision: the policy's default, enforcement on.
    expect((await check(spoof)).reject?.code).toBe(550);
  });

  it('applies pct= sampling to p=reject', async () => {
    const spoof = { raw: message('ceo@relaxed.example'), ip: BAD_IP, mailFrom: 'ceo@relaxed.example' };
    expect((await check(spoof, authenticator(ZONE, { randomPercent: () => 29 }))).reject?.code).toBe(550);
    expect((await check(spoof, authenticator(ZONE, { randomPercent: () => 30 }))).reject).toBeUndefined();
  });

  it('does not let a second author address dodge DMARC', async () => {
    const result = await check({ raw: message('friend@attacker.example, CEO <ceo@example.org>'), ip: BAD_IP, mailFrom: 'x@attacker.example' });
    expect(result.verdicts.dmarc).toMatchObject({ result: 'fail', policy: 'reject', domain: 'example.org' });
    expect(result.reject?.code).toBe(550);
  });

  it('answers temperror, without refusing, when DNS times out', async () => {
    const timeout = (): Promise<never> => Promise.reject(Object.assign(new Error('ETIMEOUT'), { code: 'ETIMEOUT' }));
    const resolver: DNSResolver = { resolveMx: timeout, resolveTxt: timeout, resolve4: timeout, resolve6: timeout, reverse: timeout };
    const result = await new SenderAuthenticator({ resolver }).check({
      raw: message('ceo@example.org'),
      ip: BAD_IP,
      helo: 'x',
      mailFrom: 'ceo@example.org',
      hostname: HOST,
      dmarcEnforce: true,
    });
    expect(result.verdicts.spf).toBe('temperror');
    expect(result.verdicts.dmarc.result).toBe('temperror');
    expect(result.reject).toBeUndefined();
  });

  it('strips forged results claiming our name, through the SenderChecker-style method too', async () => {
    const forged = message('ceo@example.org', `Authentication-Results: ${HOST}; spf=pass; dkim=pass;\r\n dmarc=pass\r\n`);
    const stripped = authenticator().stripForged(forged, HOST);
    expect(stripped.toString()).not.toContain('Authentication-Results');
    expect(stripped.equals(message('ceo@example.org'))).toBe(true);
  });
});
