// Writes our Authentication-Results header (RFC 8601) and removes incoming ones that pretend to be ours (§5).
import { fieldValue, joinHeaderFields, splitHeaderFields } from './header-fields.js';

/** Whitespace and RFC 5322 comments (nested, with quoted-pairs) at `start`; returns where they end. */
function skipCFWS(text: string, start: number): number {
  let i = start;
  let depth = 0;
  while (i < text.length) {
    const c = text[i];
    if (depth > 0 && c === '\\') i += 2;
    else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')' && depth > 0) {
      depth--;
      i++;
    } else if (depth > 0 || c === ' ' || c === '\t') i++;
    else break;
  }
  return i;
}

/**
 * The authserv-id of an Authentication-Results value (RFC 8601 §2.2: a token or quoted-string
 * after optional CFWS), lower-case and without a trailing dot; null when there is none.
 */
export function authServId(value: string): string | null {
  const start = skipCFWS(value, 0);
  let id: string;
  if (value[start] === '"') {
    const end = value.indexOf('"', start + 1);
    if (end < 0) return null;
    id = value.slice(start + 1, end).replace(/\\(.)/g, '$1');
  } else {
    id = /^[^\s()<>@,;:\\"/[\]?=]+/.exec(value.slice(start))?.[0] ?? '';
  }
  id = id.trim().toLowerCase().replace(/\.$/, '');
  return id === '' ? null : id;
}

/**
 * Removes every Authentication-Results field whose authserv-id is `hostname`. A sender can write
 * any header: one claiming our name would otherwise be read (by users, filters or the webmail) as
 * our verdict. Other fields and the body are kept byte for byte; the input is returned when
 * nothing matched.
 */
export function stripForgedAuthResults(raw: Buffer, hostname: string): Buffer {
  const ours = hostname.trim().toLowerCase().replace(/\.$/, '');
  const { fields, rest } = splitHeaderFields(raw);
  const kept = fields.filter((f) => f.key !== 'authentication-results' || authServId(fieldValue(f)) !== ours);
  return kept.length === fields.length ? raw : joinHeaderFields(kept, rest);
}

/** Control characters would end or split the header: attacker-influenced text (addresses, domains) must not carry any. */
function headerSafe(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Folds at spaces to lines of about `width` characters; unfolding gives back the same text. */
function fold(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\r\n ');
}

/**
 * `Authentication-Results: <hostname>;` and one result per line ("spf=pass … smtp.mailfrom=…"),
 * folded, CRLF-terminated; "none" when there are no results (RFC 8601 §2.2).
 */
export function formatAuthenticationResults(hostname: string, results: string[]): string {
  const parts = results.map(headerSafe).filter((r) => r !== '');
  const body = parts.length === 0 ? ' none' : parts.map((r) => `\r\n ${fold(r, 76)}`).join(';');
  return `Authentication-Results: ${headerSafe(hostname)};${body}\r\n`;
}
