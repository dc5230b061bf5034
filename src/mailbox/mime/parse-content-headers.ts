// Reads the Content-* fields of one MIME entity (RFC 2045, RFC 2183, RFC 3282, RFC 2557) into the values IMAP BODYSTRUCTURE reports.
import { MIMECursor } from './mime-cursor.js';
import { parseMIMEParameters } from './parse-mime-parameters.js';
import type { HeaderField } from './read-header-block.js';

export interface ContentDisposition {
  /** Lower-case disposition type, e.g. 'attachment'. */
  type: string;
  params: Record<string, string>;
}

export interface ContentHeaders {
  /** Lower-case media type and subtype. */
  type: string;
  subtype: string;
  params: Record<string, string>;
  id: string | null;
  description: string | null;
  /** Upper-case Content-Transfer-Encoding, '7BIT' when absent or not a token (RFC 2045 §6.1). */
  encoding: string;
  md5: string | null;
  disposition: ContentDisposition | null;
  language: string[] | null;
  location: string | null;
}

export interface ParseContentHeadersOptions {
  /** The type to assume without a valid Content-Type: text/plain, or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5). */
  defaultType?: 'text/plain' | 'message/rfc822';
}

interface ContentType {
  type: string;
  subtype: string;
}

/** type "/" subtype, or null when either token is missing ("text/", "garbage"). */
function readMediaType(cursor: MIMECursor): ContentType | null {
  cursor.skipCFWS();
  const type = cursor.readToken();
  cursor.skipCFWS();
  if (type === '' || cursor.peek() !== '/') return null;
  cursor.pos++;
  cursor.skipCFWS();
  const subtype = cursor.readToken();
  if (subtype === '') return null;
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase() };
}

/** A lone token followed by nothing but comments (Content-Transfer-Encoding), or null. */
function readSoleToken(value: string): string | null {
  const cursor = new MIMECursor(value);
  cursor.skipCFWS();
  const token = cursor.readToken();
  cursor.skipCFWS();
  return token !== '' && cursor.done ? token : null;
}

/** RFC 3282: Content-Language is a comma-separated list of language tags. */
function readLanguages(value: string): string[] | null {
  const cursor = new MIMECursor(value);
  const tags: string[] = [];
  while (!cursor.done) {
    cursor.skipCFWS();
    const tag = cursor.readToken();
    if (tag !== '') tags.push(tag);
    cursor.skipCFWS();
    if (cursor.peek() !== ',') {
      if (tag === '') break;
      // Junk after a tag: skip to the next comma rather than give up on the rest of the list.
      while (!cursor.done && cursor.peek() !== ',') cursor.pos++;
    }
    cursor.pos++;
  }
  return tags.length > 0 ? tags : null;
}

function nonEmpty(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * Computes the content values of an entity from its header fields. For each Content-* field the
 * first occurrence wins, as in Dovecot: a second Content-Type appended further down (by a relay or an
 * attacker) must not change how the body is split. A Content-Type that does not parse falls back to
 * the default type, keeping whatever parameters (charset) can still be read.
 */
export function parseContentHeaders(fields: readonly HeaderField[], options: ParseContentHeadersOptions = {}): ContentHeaders {
  const [defaultType, defaultSubtype] = (options.defaultType ?? 'text/plain').split('/') as [string, string];
  const result: ContentHeaders = {
    type: defaultType,
    subtype: defaultSubtype,
    params: {},
    id: null,
    description: null,
    encoding: '7BIT',
    md5: null,
    disposition: null,
    language: null,
    location: null,
  };
  const seen = new Set<string>();

  for (const field of fields) {
    const name = field.name.toLowerCase();
    if (!name.startsWith('content-') || seen.has(name)) continue;
    seen.add(name);
    const { value } = field;
    switch (name) {
      case 'content-type': {
        const cursor = new MIMECursor(value);
        const media = readMediaType(cursor);
        if (media !== null) {
          result.type = media.type;
          result.subtype = media.subtype;
        }
        result.params = parseMIMEParameters(value);
        break;
      }
      case 'content-transfer-encoding': {
        const token = readSoleToken(value);
        if (token !== null) result.encoding = token.toUpperCase();
        break;
      }
      case 'content-disposition': {
        const cursor = new MIMECursor(value);
        cursor.skipCFWS();
        const type = cursor.readToken();
        if (type !== '') result.disposition = { type: type.toLowerCase(), params: parseMIMEParameters(value) };
        break;
      }
      case 'content-id':
        result.id = nonEmpty(value);
        break;
      case 'content-description':
        result.description = nonEmpty(value);
        break;
      case 'content-md5':
        result.md5 = nonEmpty(value);
        break;
      case 'content-language':
        result.language = readLanguages(value);
        break;
      case 'content-location':
        result.location = nonEmpty(value);
        break;
    }
  }
  return result;
}
