// Decodes RFC 2047 encoded-words in a header value to Unicode, for the search index and the webmail (IMAP itself sends raw values).
import { decodeCharset } from './decode-charset.js';

/**
 * encoded-word = "=?" charset ["*" language] "?" encoding "?" encoded-text "?=" (RFC 2047 §2,
 * RFC 2231 §5). Neither part may hold '?' or whitespace, which keeps the match linear.
 */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;
const ONLY_WHITESPACE = /^[ \t\r\n]*$/;
const FOLD = /\r?\n(?=[ \t])/g;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** RFC 2047 §4.2: "_" is a space, "=XX" a byte; a malformed escape is kept as written. */
function decodeQ(text: string, into: number[]): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5f) {
      into.push(0x20);
    } else if (code === 0x3d && i + 2 < text.length) {
      const high = hexValue(text.charCodeAt(i + 1));
      const low = hexValue(text.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        into.push(high * 16 + low);
        i += 2;
      } else {
        into.push(code);
      }
    } else {
      // encoded-text is ASCII; anything else is pushed as its UTF-8 bytes rather than dropped.
      for (const byte of Buffer.from(text.charAt(i), 'utf8')) into.push(byte);
    }
  }
}

function decodeB(text: string, into: number[]): void {
  for (const byte of Buffer.from(text, 'base64')) into.push(byte);
}

/**
 * Returns `value` with every encoded-word decoded. Whitespace between adjacent encoded-words is
 * dropped (RFC 2047 §6.2), and adjacent words in the same charset are joined as bytes before
 * decoding, because mailers split multi-byte characters across words. Folding is undone first.
 * Unknown charsets decode as UTF-8 (or Latin-1); nothing here throws.
 */
export function decodeHeaderValue(value: string): string {
  if (!value.includes('=?')) return value;
  const text = value.replace(FOLD, '');
  let out = '';
  let last = 0;
  let charset: string | null = null;
  let bytes: number[] = [];

  const flush = (): void => {
    if (charset !== null) out += decodeCharset(Uint8Array.from(bytes), charset);
    charset = null;
    bytes = [];
  };

  for (const match of text.matchAll(ENCODED_WORD)) {
    const index = match.index;
    const between = text.slice(last, index);
    const wordCharset = (match[1] as string).toLowerCase();
    if (charset === null || !ONLY_WHITESPACE.test(between)) {
      flush();
      out += between;
    } else if (wordCharset !== charset) {
      flush();
    }
    charset = wordCharset;
    const encoded = match[3] as string;
    if (match[2] === 'B' || match[2] === 'b') decodeB(encoded, bytes);
    else decodeQ(encoded, bytes);
    last = index + match[0].length;
  }
  flush();
  return out + text.slice(last);
}
