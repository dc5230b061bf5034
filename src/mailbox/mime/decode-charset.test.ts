// Charset decoding: windows-1252 for the Latin-1 family (WHATWG), UTF-8 or Latin-1 when the label is unknown.
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

  it('an unknown label gives UTF-8 when valid, else Latin-1', () => {
    expect(decodeCharset(Buffer.from('Grüße'), 'x-unknown')).toBe('Grüße');
    expect(decodeCharset(Buffer.from([0x47, 0x72, 0xfc]), 'x-unknown')).toBe('Grü');
  });
});
