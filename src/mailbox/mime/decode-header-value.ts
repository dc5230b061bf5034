// Decodes RFC 2047 encoded-words in a header value to Unicode through libmime, for the search index and the webmail (IMAP itself sends raw values).
import libmime from 'libmime';
import { decodeCharset } from './decode-charset.js';

/**
 * libmime with Mailward's charset rules. libmime finds the encoded-words, joins adjacent ones in
 * one charset (mailers split multi-byte characters across words, RFC 2047 §5 notwithstanding),
 * drops the whitespace between them (§6.2) and undoes Q and B; the bytes come back out through
 * iconv-lite's "binary" codec, one character per byte, and decodeCharset reads them, so an
 * unknown charset shows as UTF-8 or Latin-1 rather than replacement characters, as elsewhere.
 */
export class MailwardMime extends libmime.Libmime {
  override decodeWord(charset: string, encoding: string, text: string): string {
    const bytes = Buffer.from(super.decodeWord('binary', encoding, text), 'latin1');
    // RFC 2231 §5: "charset*language"; the language says nothing about the bytes.
    return decodeCharset(bytes, charset.split('*')[0] ?? '');
  }
}

const WORDS = new MailwardMime();
const FOLD = /\r?\n(?=[ \t])/g;

/** Returns `value` with every encoded-word decoded, folding undone first. Nothing here throws. */
export function decodeHeaderValue(value: string): string {
  if (!value.includes('=?')) return value;
  return WORDS.decodeWords(value.replace(FOLD, ''));
}
