// Charset decoding: windows-1252 for the Latin-1 family (WHATWG), libmime's table for the rest (CJK included), UTF-8 or Latin-1 when the label is unknown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCharset } from './decode-charset.js';

/** The WHATWG windows-1252 table at 0x80-0x9F, one byte at a time: the reference the fast path must match. */
const HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
function reference(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? HIGH[b - 0x80]! : String.fromCharCode(b))).join('');
}

describe('decodeCharset', () => {
  it('reads iso-8859-1, us-ascii and windows-1252 as windows-1252 (curly quotes and the euro sign)', () => {
    const bytes = Buffer.from([0x93, 0x48, 0x69, 0x94, 0x20, 0x80, 0x35, 0x20, 0xe9, 0x00, 0x81]);
    for (const label of ['iso-8859-1', 'us-ascii', 'windows-1252', 'latin1', ' ISO-8859-1 ']) {
      expect(decodeCharset(bytes, label)).toBe('\u201cHi\u201d \u20ac5 \u00e9\u0000\u0081');
    }
  });

  it('matches the byte-by-byte table for any bytes, also inside a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(8), (bytes, pad) => {
        const backing = Buffer.concat([Buffer.alloc(pad, 0x41), Buffer.from(bytes), Buffer.alloc(3, 0x42)]);
        const view = backing.subarray(pad, pad + bytes.length);
        expect(decodeCharset(view, 'iso-8859-1')).toBe(reference(bytes));
      }),
    );
  });

  it('decodes GB2312 and GBK as GB18030, their superset, and Big5 with the HKSCS characters', () => {
    const hex = (text: string): Buffer => Buffer.from(text, 'hex');
    // 中文 in GB2312, € as GBK's single byte 0x80 and as GB18030's A2E3, a GBK-only character.
    for (const label of ['gb2312', 'GB2312', 'gbk', 'x-gbk', 'cp936', 'gb18030']) {
      expect(decodeCharset(hex('d6d0cec4208020a2e320e667'), label), label).toBe('中文 € € 鎔');
      // Four-byte GB18030 (U+20000, U+4DB5), which mailers send labelled gb2312.
      expect(decodeCharset(hex('9532823682358738'), label), label).toBe('\u{20000}\u4db5');
    }
    expect(decodeCharset(hex('a4a4a4e520a3e120fdf0'), 'big5')).toBe('中文 € 煊');
    expect(decodeCharset(hex('a4a4a4e5'), 'big5-hkscs')).toBe('中文');
  });

  it('decodes the other charsets mail uses, and the misspellings mailers send', () => {
    const hex = (text: string): Buffer => Buffer.from(text, 'hex');
    expect(decodeCharset(hex('93fa967b8cea20b1'), 'shift_jis')).toBe('日本語 ｱ');
    expect(decodeCharset(hex('1b2442467c4b5c386c1b2842'), 'ISO-2022-JP')).toBe('日本語');
    expect(decodeCharset(hex('c6fccbdcb8ec'), 'euc-jp')).toBe('日本語');
    expect(decodeCharset(hex('c7d1b1b9beee'), 'ks_c_5601-1987')).toBe('한국어');
    expect(decodeCharset(hex('cff0e8e2e5f2'), 'win-1251')).toBe('Привет');
    expect(decodeCharset(hex('f0d2c9d7c5d4'), 'koi8-r')).toBe('Привет');
    expect(decodeCharset(hex('a4a6a8'), 'ISO8859-15')).toBe('€Šš');
    expect(decodeCharset(Buffer.from('Grüße'), 'utf8')).toBe('Grüße');
    expect(decodeCharset(hex('00680069'), 'utf-16be')).toBe('hi');
  });

  it('reads UTF-7 as an unknown label: it hides markup from filters (+ADw-script+AD4-)', () => {
    expect(decodeCharset(Buffer.from('+ADw-script+AD4-'), 'utf-7')).toBe('+ADw-script+AD4-');
  });

  it('an unknown label gives UTF-8 when valid, else Latin-1', () => {
    expect(decodeCharset(Buffer.from('Grüße'), 'x-unknown')).toBe('Grüße');
    expect(decodeCharset(Buffer.from([0x47, 0x72, 0xfc]), 'x-unknown')).toBe('Grü');
    expect(decodeCharset(Buffer.from([0x47, 0x72, 0xfc]), '')).toBe('Grü');
    expect(decodeCharset(Buffer.from([0x47, 0x72, 0xfc]), 'k-o-i-8-r-x')).toBe('Grü');
  });
});
