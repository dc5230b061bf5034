// Writes strings in IMAP syntax (RFC 3501 §4.3, RFC 9051 §4.3): quoted when 7-bit and single-line, a literal otherwise.

/** quoted-specials are escaped inside a quoted string. */
const QUOTED_SPECIALS = /["\\]/g;
/** Anything a quoted string cannot hold: CR, LF, NUL and 8-bit (TEXT-CHAR is %x01-7F minus CR and LF). */
const NEEDS_LITERAL = /[^\x01-\x09\x0b\x0c\x0e-\x7f]/;
const NUL = /\0/g;

/**
 * An IMAP string. NUL is never allowed in IMAP strings (CHAR8 is %x01-ff), so it is dropped. The
 * result is meant to be written as UTF-8: a literal's {n} counts UTF-8 octets.
 */
export function imapString(value: string): string {
  const text = value.includes('\0') ? value.replace(NUL, '') : value;
  if (!NEEDS_LITERAL.test(text)) return `"${text.replace(QUOTED_SPECIALS, '\\$&')}"`;
  return `{${Buffer.byteLength(text, 'utf8')}}\r\n${text}`;
}

/** An IMAP nstring: NIL for null. */
export function imapNString(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NIL' : imapString(value);
}
