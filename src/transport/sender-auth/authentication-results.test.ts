// Forged Authentication-Results removal (RFC 8601 §5), our header's format, header splitting and the mailauth DNS adapter.
import { describe, expect, it } from 'vitest';
import { createStubResolver } from '../dns/dns-resolver.js';
import { authServId, formatAuthenticationResults, stripForgedAuthResults } from './authentication-results.js';
import { relaxedHeader, splitHeaderFields } from './header-fields.js';
import { addressOfPTRName, toMailauthResolver } from './mailauth-resolver.js';

const HOST = 'mx.mailward.test';
const BODY = 'Body line 1\r\nAuthentication-Results: mx.mailward.test; dkim=pass (in the body: not a header)\r\n';

describe('stripForgedAuthResults', () => {
  it('removes every spelling of a result claiming our name, folded lines included, and keeps the rest byte for byte', () => {
    const raw = Buffer.from(
      'Received: from a by b; Mon, 23 Nov 2026 10:00:00 +0000\r\n' +
        `Authentication-Results: ${HOST}; spf=pass smtp.mailfrom=ceo@bank.example;\r\n\tdkim=pass header.d=bank.example;\r\n dmarc=pass\r\n` +
        'Authentication-Results: mx.other.example; spf=fail\r\n' +
        'authentication-results :  (forged) MX.Mailward.Test. 1; dkim=pass\r\n' +
        `Authentication-Results: "${HOST}"; dmarc=pass\r\n` +
        'Subject: caf\xe9 \xa0 bytes kept\r\n' +
        `Authentication-Results: ${HOST}.evil.example; spf=pass\r\n` +
        '\r\n' +
        BODY,
      'latin1',
    );
    const stripped = stripForgedAuthResults(raw, 'MX.mailward.test');
    expect(stripped.toString('latin1')).toBe(
      'Received: from a by b; Mon, 23 Nov 2026 10:00:00 +0000\r\n' +
        'Authentication-Results: mx.other.example; spf=fail\r\n' +
        'Subject: caf\xe9 \xa0 bytes kept\r\n' +
        `Authentication-Results: ${HOST}.evil.example; spf=pass\r\n` +
        '\r\n' +
        BODY,
    );
  });

  it('returns the same buffer when nothing is forged, and handles bare LF and a message without body', () => {
    const clean = Buffer.from(`Subject: hi\r\n\r\n${BODY}`);
    expect(stripForgedAuthResults(clean, HOST)).toBe(clean);
    expect(stripForgedAuthResults(Buffer.from(`Authentication-Results: ${HOST}; none\nSubject: x\n\nbody\n`), HOST).toString()).toBe('Subject: x\n\nbody\n');
    expect(stripForgedAuthResults(Buffer.from(`Subject: x\r\nAuthentication-Results: ${HOST}; none\r\n`), HOST).toString()).toBe('Subject: x\r\n');
  });

  it('reads the authserv-id after comments, quoted or with a version', () => {
    expect(authServId(' mx.example.org; spf=pass')).toBe('mx.example.org');
    expect(authServId(' (a (nested) comment \\) here) MX.Example.ORG. 1 ; none')).toBe('mx.example.org');
    expect(authServId(' "mx.example.org"; none')).toBe('mx.example.org');
    expect(authServId(' ; none')).toBeNull();
  });
});

describe('formatAuthenticationResults', () => {
  it('folds long results so unfolding gives them back, and keeps control characters out', () => {
    const long = `spf=pass (${'word '.repeat(40).trim()}) smtp.mailfrom=a@example.org`;
    const header = formatAuthenticationResults(HOST, [long, 'dkim=none\r\nBcc: injected@example.org', 'dmarc=none']);
    expect(header.endsWith('\r\n')).toBe(true);
    const lines = header.slice(0, -2).split('\r\n');
    for (const line of lines.slice(1)) expect(line).toMatch(/^ \S/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(header.slice(0, -2).replace(/\r\n /g, ' ')).toBe(
      `Authentication-Results: ${HOST}; ${long}; dkim=none Bcc: injected@example.org; dmarc=none`,
    );
    expect(formatAuthenticationResults(HOST, [])).toBe(`Authentication-Results: ${HOST}; none\r\n`);
  });
});

describe('header fields', () => {
  it('splits fields as written and canonicalizes them as RFC 6376 relaxed, only SP and TAB being whitespace', () => {
    const { fields, rest } = splitHeaderFields(Buffer.from('Subject:  a \t b \r\n\tc  \r\nX: \xa0y\r\n\r\nbody', 'latin1'));
    expect(fields.map((f) => f.key)).toEqual(['subject', 'x']);
    expect(rest.toString()).toBe('\r\nbody');
    expect(relaxedHeader(fields[0]!.text)).toBe('subject:a b c');
    // 0xA0 is a byte of UTF-8 text (à = C3 A0), not whitespace.
    expect(relaxedHeader(fields[1]!.text)).toBe('x:\xa0y');
    expect(relaxedHeader('SUBJECT \t: x')).toBe('subject:x');
  });
});

describe('toMailauthResolver', () => {
  const dns = toMailauthResolver(
    createStubResolver({
      txt: { 'example.org': [['v=spf1 ', '-all']] },
      mx: { 'example.org': [{ exchange: 'mx.example.org', priority: 10 }] },
      a: { 'mx.example.org': ['192.0.2.1'] },
      aaaa: { 'mx.example.org': ['2001:db8::1'] },
      ptr: { '192.0.2.1': ['mx.example.org'], '2001:db8::1': ['mx6.example.org'] },
    }),
  );

  it('maps TXT, MX, A, AAAA and PTR (reverse names back to addresses) onto our resolver', async () => {
    expect(await dns('example.org', 'TXT')).toEqual([['v=spf1 ', '-all']]);
    expect(await dns('example.org', 'MX')).toEqual([{ exchange: 'mx.example.org', priority: 10 }]);
    expect(await dns('mx.example.org', 'A')).toEqual(['192.0.2.1']);
    expect(await dns('mx.example.org', 'AAAA')).toEqual(['2001:db8::1']);
    expect(await dns('1.2.0.192.in-addr.arpa', 'PTR')).toEqual(['mx.example.org']);
    const v6 = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
    expect(await dns(v6, 'PTR')).toEqual(['mx6.example.org']);
  });

  it('answers NXDOMAIN for other types, unknown names and malformed reverse names', async () => {
    await expect(dns('example.org', 'CNAME')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dns('nowhere.example', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dns('300.2.0.192.in-addr.arpa', 'PTR')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(addressOfPTRName('example.org')).toBeNull();
    expect(addressOfPTRName('4.3.2.1.IN-ADDR.ARPA.')).toBe('1.2.3.4');
  });
});
