// Stored line ends are CRLF whatever the client sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCRLF } from './line-endings.js';

describe('toCRLF', () => {
  it('turns bare LF and bare CR into CRLF and returns the same buffer when there is nothing to change', () => {
    expect(toCRLF(Buffer.from('a\nb\r\nc\rd\r')).toString()).toBe('a\r\nb\r\nc\r\nd\r\n');
    expect(toCRLF(Buffer.from('\na')).toString()).toBe('\r\na');
    const clean = Buffer.from('a\r\nb\r\n');
    expect(toCRLF(clean)).toBe(clean);
    const empty = Buffer.alloc(0);
    expect(toCRLF(empty)).toBe(empty);
  });

  it('agrees with a regular expression on any mix of CR, LF and text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\r', '\n', '\r\n', 'x', 'yz'), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(toCRLF(Buffer.from(text)).toString()).toBe(text.replace(/\r\n|\r|\n/g, '\r\n'));
      }),
    );
  });
});
