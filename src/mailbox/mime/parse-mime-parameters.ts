// Parses the "; name=value" parameters of Content-Type and Content-Disposition, joining and decoding RFC 2231 continuations and charsets.
import { decodeCharset } from './decode-charset.js';
import type { MIMECursor } from './mime-cursor.js';

/** A parameter as written, before RFC 2231 assembly. */
interface RawParameter {
  base: string;
  /** Continuation number (RFC 2231 §3) or -1 for a parameter that is not split. */
  section: number;
  /** RFC 2231 §4: the value is percent-encoded, and (in section 0 or unsplit) starts with charset'language'. */
  extended: boolean;
  value: string;
}

/** RFC 2231 continuations beyond this are ignored: no real filename needs them, and each costs memory. */
const MAX_SECTION = 999;
const NAME_PATTERN = /^(.+?)(?:\*(\d{1,4}))?(\*)?$/;

/**
 * Reads a value that is not quoted. Real mail is lenient here — boundary=----=_Part_1 and
 * name=my file.pdf are common — so the value runs to the next ';', minus trailing whitespace and a
 * comment that follows whitespace (charset=us-ascii (Plain text)).
 */
function readBareValue(cursor: MIMECursor): string {
  const { text } = cursor;
  const start = cursor.pos;
  while (cursor.pos < text.length) {
    const char = text.charAt(cursor.pos);
    if (char === ';') break;
    if (char === '(' && cursor.pos > start && /\s/.test(text.charAt(cursor.pos - 1))) break;
    cursor.pos++;
  }
  return text.slice(start, cursor.pos).trimEnd();
}

function pushUTF8(text: string, into: number[]): void {
  for (const byte of Buffer.from(text, 'utf8')) into.push(byte);
}

function percentDecode(text: string, into: number[]): void {
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charAt(i) === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      pushUTF8(text.slice(runStart, i), into);
      into.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
      runStart = i + 1;
    }
  }
  pushUTF8(text.slice(runStart), into);
}

/** Joins the sections of one RFC 2231 parameter in order and decodes them with the charset of the first. */
function assemble(sections: RawParameter[]): string {
  sections.sort((a, b) => a.section - b.section);
  const bytes: number[] = [];
  let charset = '';
  sections.forEach((section, i) => {
    let value = section.value;
    if (section.extended && i === 0) {
      const first = value.indexOf("'");
      const second = first === -1 ? -1 : value.indexOf("'", first + 1);
      if (second !== -1) {
        charset = value.slice(0, first);
        value = value.slice(second + 1);
      }
    }
    if (section.extended) percentDecode(value, bytes);
    else pushUTF8(value, bytes);
  });
  return decodeCharset(Uint8Array.from(bytes), charset === '' ? 'utf-8' : charset);
}

/**
 * Parses parameters from the cursor (positioned before the first ';') to the end. Names are
 * lower-cased; the first occurrence of a name wins; a parameter in RFC 2231 form wins over a plain
 * one of the same name (RFC 2231 §4.1: a client that understands it must prefer it). The result has
 * own properties only (Object.fromEntries), so a parameter named __proto__ is just a parameter.
 */
export function parseMIMEParameters(cursor: MIMECursor): Record<string, string> {
  const plain = new Map<string, string>();
  const split = new Map<string, RawParameter[]>();
  const order: string[] = [];

  while (!cursor.done) {
    if (cursor.peek() !== ';') {
      cursor.skipToSemicolon();
      continue;
    }
    cursor.pos++;
    cursor.skipCFWS();
    const name = cursor.readToken().toLowerCase();
    cursor.skipCFWS();
    if (name === '' || cursor.peek() !== '=') continue;
    cursor.pos++;
    cursor.skipCFWS();
    const value = cursor.peek() === '"' ? cursor.readQuoted() : readBareValue(cursor);

    const match = NAME_PATTERN.exec(name);
    const base = match?.[1] ?? name;
    const section = match?.[2] === undefined ? -1 : Number(match[2]);
    const extended = match?.[3] !== undefined;
    if (!plain.has(base) && !split.has(base)) order.push(base);
    if (section === -1 && !extended) {
      if (!plain.has(base)) plain.set(base, value);
      continue;
    }
    if (section > MAX_SECTION) continue;
    const sections = split.get(base) ?? [];
    // A repeated section number is a forgery or a mistake; the first one stays.
    if (!sections.some((s) => s.section === section)) sections.push({ base, section, extended, value });
    split.set(base, sections);
  }

  const entries: Array<[string, string]> = [];
  for (const base of order) {
    const sections = split.get(base);
    const value = sections !== undefined ? assemble(sections) : plain.get(base);
    if (value !== undefined) entries.push([base, value]);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
