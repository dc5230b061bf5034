// Turns bytes in a MIME charset into a string, never throwing: libmime's charset table, an unknown charset as UTF-8, then Latin-1.
import { TextDecoder } from 'node:util';
import { createDecodeStream, decode, normalizeCharset } from 'libmime/lib/charset.js';

const UTF8 = new TextDecoder('utf-8');
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * windows-1252 at 0x80-0x9F (WHATWG Encoding Standard), which is also what iso-8859-1, us-ascii and
 * latin1 mean to libmime, as to every browser and mail client. iconv-lite's table turns the five
 * bytes windows-1252 leaves undefined into U+FFFD, where ISO-8859-1 (what such mail says it is)
 * has its C1 controls, so Mailward maps these 32 bytes itself; it is also the commonest case.
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

/**
 * GB2312 and GBK mail is decoded as GB18030, their superset (as the WHATWG Encoding Standard
 * does): mailers label GB18030 text gb2312, and iconv-lite's GBK table would turn its four-byte
 * characters into U+FFFD.
 */
const SUPERSETS: ReadonlyMap<string, string> = new Map([
  ['GBK', 'gb18030'],
  ['CP936', 'gb18030'],
]);

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * An unknown label is read as UTF-8 when valid, else as Latin-1: RFC 2047 §6.2 leaves this to the
 * reader, and Latin-1 keeps every byte visible where a replacement character would lose it.
 */
function decodeUnknown(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return bufferOf(bytes).toString('latin1');
  }
}

type Decoder = (bytes: Uint8Array) => string;

/** The decoder for a label as written, through libmime's names (which know mailers' misspellings: win-1252, latin_1, utf8). */
function resolve(charset: string): Decoder {
  const label = charset.trim();
  const name = label === '' ? '' : normalizeCharset(label);
  if (name === 'UTF-8') return (bytes) => UTF8.decode(bytes);
  if (name === 'windows-1252') return decodeWindows1252;
  // libmime says whether it has a decoder (it refuses UTF-7, base64 and hex) only through its stream.
  if (name === '' || !createDecodeStream(name).supported) return decodeUnknown;
  const target = SUPERSETS.get(name) ?? name;
  return (bytes) => decode(bufferOf(bytes), target);
}

/**
 * Decoders by label as written, so the common labels cost one lookup. At most this many are kept:
 * labels are the sender's choice, and iconv-lite ignores punctuation in them.
 */
const DECODERS = new Map<string, Decoder>();
const MAX_DECODERS = 500;

function decoderFor(charset: string): Decoder {
  let decoder = DECODERS.get(charset);
  if (decoder === undefined) {
    decoder = resolve(charset);
    if (DECODERS.size < MAX_DECODERS) DECODERS.set(charset, decoder);
  }
  return decoder;
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
 * Decodes `bytes` labelled with a MIME `charset` (RFC 2045, RFC 2047, RFC 2231) through libmime's
 * charset table; an unknown label as UTF-8 when valid, else as Latin-1.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  return decoderFor(charset)(bytes);
}
