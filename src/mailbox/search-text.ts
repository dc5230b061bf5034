// The text SEARCH and the webmail look in: decoded headers and text parts, lower-cased, bounded in size.
import { decodeCharset, decodeHeaderValue } from './mime/index.js';
import type { MessageStructure, MIMEPart } from './mime/index.js';

/** Enough for any human search; a 50 MB attachment must not become 50 MB of index. */
export const MAX_SEARCH_TEXT = 64 * 1024;

const SEARCH_HEADERS = new Set(['subject', 'from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'message-id']);

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/=\r?\n/g, '');
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else out[n++] = text.charCodeAt(i) & 0xff;
  }
  return out.subarray(0, n);
}

/** The body of a text part, transfer-decoded and charset-decoded (at most `maxBytes` of its encoded body). */
export function decodeTextPart(raw: Buffer, part: MIMEPart, options: { maxBytes?: number } = {}): string {
  const end = options.maxBytes === undefined ? part.bodyEnd : Math.min(part.bodyEnd, part.bodyStart + options.maxBytes);
  const body = raw.subarray(part.bodyStart, end);
  let bytes: Buffer = body;
  if (part.encoding === 'BASE64') bytes = Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (part.encoding === 'QUOTED-PRINTABLE') bytes = decodeQuotedPrintable(body);
  return decodeCharset(bytes, part.params.charset ?? 'us-ascii');
}

function textParts(part: MIMEPart, out: MIMEPart[]): void {
  if (part.type === 'multipart' || part.type === 'message') {
    for (const child of part.children) textParts(child, out);
    return;
  }
  if (part.type === 'text' && (part.disposition?.type ?? 'inline') !== 'attachment') out.push(part);
}

/** Strips tags and entities from HTML well enough for searching (never for display). */
function htmlToSearchText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Math.min(Number(code), 0x10ffff)));
}

/** Room past the budget kept when a piece is cut, so lower-casing sees the context of the last characters it keeps (final sigma). */
const CUT_SLACK = 64;

/**
 * Whitespace runs as one space, trimmed: the same text as `text.replace(/\s+/g, ' ').trim()` for
 * its first `budget` characters, but without running over (and copying) the rest of a long part,
 * which is thrown away. The prefix grows until it gives enough characters, as runs of whitespace
 * shrink it.
 */
function collapseWhitespace(text: string, budget: number): string {
  const want = Math.max(0, budget) + CUT_SLACK;
  for (let take = want; ; take *= 2) {
    if (take >= text.length) return text.replace(/\s+/g, ' ').trim();
    const piece = text.slice(0, take).replace(/\s+/g, ' ').trim();
    if (piece.length > want) return piece;
  }
}

export function buildSearchText(raw: Buffer, structure: MessageStructure): string {
  const pieces: string[] = [];
  let length = 0;
  const push = (text: string): boolean => {
    const piece = collapseWhitespace(text, MAX_SEARCH_TEXT - length);
    if (!piece) return length < MAX_SEARCH_TEXT;
    pieces.push(piece);
    length += piece.length + 1;
    return length < MAX_SEARCH_TEXT;
  };
  for (const field of structure.headers) {
    if (SEARCH_HEADERS.has(field.name.toLowerCase())) push(decodeHeaderValue(field.value));
  }
  const parts: MIMEPart[] = [];
  textParts(structure.root, parts);
  for (const part of parts) {
    // Only what can still fit is decoded: base64 and quoted-printable are at most 4/3 and 3× the
    // text, HTML needs room for its tags; the rest of a long part would be thrown away anyway.
    const text = decodeTextPart(raw, part, { maxBytes: 4 * (MAX_SEARCH_TEXT - length) + 1024 });
    if (!push(part.subtype === 'html' ? htmlToSearchText(text) : text)) break;
  }
  return pieces.join('\n').toLowerCase().slice(0, MAX_SEARCH_TEXT);
}

/**
 * Every text part of a message decoded, HTML reduced to its text, lower-cased, without the index's
 * size cap: what SEARCH BODY confirms a match against when the index cannot decide alone.
 */
export function fullBodyText(raw: Buffer, root: MIMEPart): string {
  const parts: MIMEPart[] = [];
  textParts(root, parts);
  return parts
    .map((part) => {
      const text = decodeTextPart(raw, part);
      return (part.subtype === 'html' ? htmlToSearchText(text) : text).replace(/\s+/g, ' ');
    })
    .join('\n')
    .toLowerCase();
}
