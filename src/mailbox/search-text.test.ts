// The search text: decoded, lower-cased, bounded however large the message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessageStructure } from './mime/index.js';
import { MAX_SEARCH_TEXT, buildSearchText, decodeTextPart } from './search-text.js';

describe('buildSearchText', () => {
  it('decodes base64 and quoted-printable text parts and headers', () => {
    const raw = Buffer.from(
      'Subject: =?utf-8?B?R3LDvMOfZQ==?=\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n' +
        '--x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
        `${Buffer.from('Schöne Aussicht').toString('base64')}\r\n` +
        '--x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nF=FC=DFe\r\n--x--\r\n',
    );
    const text = buildSearchText(raw, parseMessageStructure(raw));
    expect(text).toContain('grüße');
    expect(text).toContain('schöne aussicht');
    expect(text).toContain('füße');
  });

  it('stays within its bound and decodes only what fits, for a multi-megabyte base64 part', () => {
    const body = Buffer.from('word '.repeat(800_000)).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(`Subject: big\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`);
    const structure = parseMessageStructure(raw);
    const text = buildSearchText(raw, structure);
    expect(text.length).toBeLessThanOrEqual(MAX_SEARCH_TEXT);
    expect(text.startsWith('big\nword word')).toBe(true);
    // The part is decoded only as far as asked: 4,000 encoded bytes give about 3,000 characters.
    const decoded = decodeTextPart(raw, structure.root, { maxBytes: 4000 });
    expect(decoded.length).toBeGreaterThan(2800);
    expect(decoded.length).toBeLessThan(3100);
  });
  it('cuts a long text part to what fits with the same result as collapsing it whole', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('word', ' ', '  \t ', '\r\n', 'Σ', 'ΑΣ ', 'x'), { minLength: 1, maxLength: 200 }), fc.nat(40_000), (parts, pad) => {
        const text = 'a'.repeat(pad) + parts.join('').repeat(400);
        const raw = Buffer.from(`Subject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}`);
        const whole = ['s', text.replace(/\s+/g, ' ').trim()].filter(Boolean).join('\n').toLowerCase().slice(0, MAX_SEARCH_TEXT);
        expect(buildSearchText(raw, parseMessageStructure(raw))).toBe(whole);
      }),
      { numRuns: 40 },
    );
  });
});
