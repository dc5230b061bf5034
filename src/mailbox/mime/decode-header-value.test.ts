// Tests decodeHeaderValue on RFC 2047's examples, split multi-byte characters and the charsets mail actually uses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCharset, decodeHeaderValue } from './index.js';

describe('decodeHeaderValue', () => {
  it('decodes the examples of RFC 2047 §8', () => {
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?=)')).toBe('(a)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?= b)')).toBe('(a b)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)')).toBe('(ab)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)')).toBe('(ab)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)')).toBe('(ab)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a_b?=)')).toBe('(a b)');
    expect(decodeHeaderValue('(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)')).toBe('(a b)');
    expect(decodeHeaderValue('=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>')).toBe('Keith Moore <moore@cs.utk.edu>');
    expect(decodeHeaderValue('=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=')).toBe('Keld Jørn Simonsen');
    expect(decodeHeaderValue('=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=')).toBe(
      'If you can read this you understand the example.',
    );
  });

  it('decodes UTF-8 B words, ISO-8859-1 Q words with underscores, and keeps text between words', () => {
    expect(decodeHeaderValue('=?utf-8?B?SGVsbG8sIOS4lueVjCDwn4yN?=')).toBe('Hello, 世界 🌍');
    expect(decodeHeaderValue('Re: =?iso-8859-1?q?Caf=E9_cr=E8me?= et =?iso-8859-1?q?th=E9?=')).toBe('Re: Café crème et thé');
  });

  it('joins adjacent words in one charset as bytes, so a character split across words survives', () => {
    // "€" is E2 82 AC; the first word carries two of its bytes, the second the last one.
    expect(decodeHeaderValue('=?utf-8?B?4oI=?= =?utf-8?B?rA==?= 5')).toBe('€ 5');
    expect(decodeHeaderValue('=?UTF-8?Q?=E2=82?=\r\n =?utf-8?Q?=AC?=')).toBe('€');
  });

  it('decodes windows-125x, ISO-8859-x and KOI8-R, and an RFC 2231 language suffix', () => {
    expect(decodeHeaderValue('=?windows-1251?B?z/Do4uXy?=')).toBe('Привет');
    expect(decodeHeaderValue('=?iso-8859-2?Q?=A3=F3d=BC?=')).toBe('Łódź');
    expect(decodeHeaderValue('=?windows-1252?Q?=93quoted=94?=')).toBe('\u201cquoted\u201d');
    // iso-8859-1 means windows-1252 to every browser and mail client (WHATWG Encoding Standard).
    expect(decodeHeaderValue('=?iso-8859-1?Q?=80_5_caf=E9?=')).toBe('€ 5 café');
    expect(decodeHeaderValue('=?koi8-r?B?8NLJ18XU?=')).toBe('Привет');
    expect(decodeHeaderValue('=?utf-8*en?Q?hi?=')).toBe('hi');
  });

  it('reads the bytes of Q and B words with decodeCharset, every byte value included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.constantFrom('x-unknown', 'iso-8859-1', 'utf-8', 'gb2312', 'koi8-r'), (bytes, charset) => {
        const buffer = Buffer.from(bytes);
        const q = Array.from(buffer, (b) => `=${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
        expect(decodeHeaderValue(`=?${charset}?B?${buffer.toString('base64')}?=`)).toBe(decodeCharset(buffer, charset));
        expect(decodeHeaderValue(`=?${charset}?Q?${q}?=`)).toBe(decodeCharset(buffer, charset));
      }),
    );
    expect(decodeHeaderValue('=?iso-8859-1?Q?=81?=')).toBe('\u0081');
    expect(decodeHeaderValue('=?gb2312?B?1tDOxA==?=')).toBe('中文');
  });

  it('leaves plain and malformed text alone and never throws', () => {
    expect(decodeHeaderValue('plain café')).toBe('plain café');
    expect(decodeHeaderValue('=?utf-8?X?abc?=')).toBe('=?utf-8?X?abc?=');
    expect(decodeHeaderValue('=?utf-8?Q?a=ZZb=?=')).toBe('a=ZZb=');
    expect(decodeHeaderValue('=?x-unknown?Q?caf=C3=A9?=')).toBe('café');
    expect(decodeHeaderValue('=?x-unknown?Q?caf=E9?=')).toBe('caf\u00e9');
    expect(decodeHeaderValue('=?utf-8?Q?=FF?=')).toBe('\ufffd');
    expect(decodeHeaderValue('=?=?=?')).toBe('=?=?=?');
  });

  it('stays linear on hostile input', () => {
    const hostile = `${'=?utf-8?Q?'.repeat(50_000)}${'=?a?b'.repeat(50_000)}`;
    const started = performance.now();
    decodeHeaderValue(hostile);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
