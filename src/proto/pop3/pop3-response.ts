// POP3 replies as bytes: status lines with RFC 3206 response codes, SASL continuations and multi-line responses that cannot be made to inject a line.

/** RFC 2449 §8 and RFC 3206 response codes Mailward uses. */
export type POP3ResponseCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY';

/** RFC 2449 §4: a response line is at most 512 octets, CRLF included. */
export const POP3_MAX_RESPONSE_BYTES = 512;

/**
 * One line of text: control characters (CR and LF above all) become spaces, so nothing a reply
 * repeats can start a second line, and the whole line stays within 512 octets.
 */
export function responseText(text: string, room = POP3_MAX_RESPONSE_BYTES - 2): string {
  const clean = text.replace(/[\x00-\x1f\x7f]/g, ' ');
  const bytes = Buffer.from(clean, 'utf8');
  if (bytes.length <= room) return clean;
  // Cut on a character boundary: a half UTF-8 sequence would be a broken line.
  let end = room;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

/** `+OK text` (RFC 1939 §3). */
export function okLine(text = ''): string {
  return text === '' ? '+OK\r\n' : `+OK ${responseText(text, POP3_MAX_RESPONSE_BYTES - 6)}\r\n`;
}

/** `-ERR [CODE] text` (RFC 2449 §8: the code in brackets right after -ERR). */
export function errLine(text: string, options: { code?: POP3ResponseCode } = {}): string {
  const prefix = options.code ? `-ERR [${options.code}] ` : '-ERR ';
  return `${prefix}${responseText(text, POP3_MAX_RESPONSE_BYTES - 2 - prefix.length)}\r\n`;
}

/** A SASL challenge (RFC 5034 §4): `+ ` and base64, which cannot contain a line break. */
export function continuationLine(challenge: Buffer): string {
  return `+ ${challenge.toString('base64')}\r\n`;
}

/**
 * A multi-line response (RFC 1939 §3): the +OK line, each line dot-stuffed, then the terminating
 * `.`; lines are cleaned like status text, so no element can end the response early.
 */
export function multiLine(first: string, lines: readonly string[]): string {
  let out = okLine(first);
  for (const line of lines) {
    const text = responseText(line);
    out += text.startsWith('.') ? `.${text}\r\n` : `${text}\r\n`;
  }
  return `${out}.\r\n`;
}
