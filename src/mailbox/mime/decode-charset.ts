// Turns bytes in a MIME charset into a string, never throwing: an unknown charset falls back to UTF-8, then Latin-1.
import { TextDecoder } from 'node:util';

/** Decoders by label; the set of labels TextDecoder accepts is finite, so this cache is bounded. */
const DECODERS = new Map<string, TextDecoder>();
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * windows-1252 at 0x80-0x9F (WHATWG Encoding Standard). Node 20's TextDecoder decodes this label —
 * which is also what iso-8859-1, us-ascii and latin1 mean — as plain Latin-1, turning curly quotes
 * and the euro sign into C1 controls, so Mailward maps these 32 bytes itself.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const C1 = /[\x80-\x9f]/g;

/**
 * Latin-1 in native code, then the few C1 characters mapped: a string built one character at a
 * time was most of the search-text cost of a large message (and of its garbage).
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(C1, (c) => WINDOWS_1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

function decoderFor(label: string): TextDecoder | null {
  const cached = DECODERS.get(label);
  if (cached !== undefined) return cached;
  try {
    const decoder = new TextDecoder(label);
    DECODERS.set(label, decoder);
    return decoder;
  } catch {
    // An unknown label (x-unknown, utf-7, garbage) is the sender's mistake, not a reason to lose the text.
    return null;
  }
}

/**
 * Decodes raw header bytes [start, end) of `bytes` (RFC 6532 allows UTF-8; older mailers send
 * Latin-1 or worse): UTF-8 when the bytes are valid UTF-8, otherwise Latin-1, which maps every byte
 * to one character.
 */
export function decodeRawHeaderBytes(bytes: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) > 0x7f) {
      try {
        return STRICT_UTF8.decode(bytes.subarray(start, end));
      } catch {
        return bytes.toString('latin1', start, end);
      }
    }
  }
  return bytes.toString('latin1', start, end);
}

/**
 * Decodes `bytes` labelled with a MIME `charset` (RFC 2047 / RFC 2231). Labels follow the WHATWG
 * Encoding Standard, as browsers do (so iso-8859-1 means windows-1252); an unknown label is read as
 * UTF-8 when valid, else as Latin-1.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  const label = charset.trim().toLowerCase();
  const decoder = label === '' ? null : decoderFor(label);
  if (decoder !== null) return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

