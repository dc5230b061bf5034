// Modified UTF-7 mailbox names: RFC 3501 §5.1.3 examples, round trips, and malformed input refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMailboxUTF7, encodeMailboxUTF7 } from './mailbox-utf7.js';

describe('modified UTF-7', () => {
  it('encodes and decodes the RFC 3501 example', () => {
    const name = '~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e';
    expect(encodeMailboxUTF7(name)).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(decodeMailboxUTF7('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe(name);
  });

  it('escapes the ampersand and keeps ASCII as it is', () => {
    expect(encodeMailboxUTF7('R&D')).toBe('R&-D');
    expect(decodeMailboxUTF7('R&-D')).toBe('R&D');
    expect(encodeMailboxUTF7('Entwürfe')).toBe('Entw&APw-rfe');
    expect(decodeMailboxUTF7('Entw&APw-rfe')).toBe('Entwürfe');
  });

  it('refuses what is not the one spelling of a name', () => {
    for (const bad of ['&Jjo!', '&U,BTFw', '&AGE-', '&ZeVnLIqe=-', 'a\u00e9', '&2D0-']) expect(decodeMailboxUTF7(bad), bad).toBeUndefined();
  });

  it('round-trips any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        const clean = name.replace(/[\u0000-\u001f\u007f]/g, '');
        // Lone surrogates are not names; well-formed strings round-trip.
        fc.pre(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(clean));
        expect(decodeMailboxUTF7(encodeMailboxUTF7(clean))).toBe(clean);
      }),
    );
  });
});
