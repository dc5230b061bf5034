// Serializes IMAP server responses (RFC 3501 §7, RFC 9051) to bytes, hand-written because no IMAP server library of quality exists on npm.
import { isUtf8 } from 'node:buffer';
import { IMAP_MONTHS } from './imap-date.js';
import { isValidTag } from './imap-command-grammar.js';

/**
 * Options shared by every string serializer. `utf8Accept` is set once the client has sent
 * `ENABLE UTF8=ACCEPT` (RFC 6855 §3) or IMAP4rev2 is enabled: only then may 8-bit UTF-8 go inside a
 * quoted string or human text; before, a client may take 8-bit bytes for the start of an attack or
 * a charset it cannot read, so they go in a literal (strings) or become `?` (text).
 */
export interface IMAPStringOptions {
  utf8Accept?: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * ATOM-CHAR minus `[ ] < > { }` (sections, partials, literals), never starting with a digit, `*`,
 * `$` or `:` so it can never read back as a number or sequence set (RFC 5182 `$` included).
 */
const SAFE_ATOM = /^[A-Za-z~/._&][A-Za-z0-9.\-_+!#$&'~/:,=@^|;?`]*$/;

/** How a byte string may travel: quoted needs no CR, LF or NUL (RFC 3501 §9 QUOTED-CHAR), and 8-bit only as UTF-8 after UTF8=ACCEPT. */
function canQuote(bytes: Buffer, options: IMAPStringOptions): boolean {
  let eightBit = false;
  for (const byte of bytes) {
    if (byte === CR || byte === LF || byte === 0) return false;
    if (byte >= 0x80) eightBit = true;
  }
  return !eightBit || (options.utf8Accept === true && isUtf8(bytes));
}

function quoteASCII(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

function literal(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`, 'latin1'), bytes]);
}

/**
 * `"text"` with `\` and `"` escaped. Throws RangeError for CR, LF or NUL (a quoted string cannot
 * carry them, and a CRLF would end the response line early: response injection) and for
 * non-ASCII unless `utf8Accept`. Use imapString when the value may hold any of them.
 */
export function imapQuoted(value: string, options: IMAPStringOptions = {}): string {
  if (!canQuote(Buffer.from(value, 'utf8'), options)) throw new RangeError('imapQuoted: value needs a literal (CR, LF, NUL or 8-bit without UTF8=ACCEPT)');
  return quoteASCII(value);
}

/**
 * An IMAP `string` (RFC 3501 §9): quoted when the bytes allow, else a literal `{n}\r\n…`. A string
 * result is ASCII (UTF-8 only with `utf8Accept`) and must be sent as UTF-8; a literal is a Buffer,
 * its length counted in bytes.
 */
export function imapString(value: string | Buffer, options: IMAPStringOptions = {}): string | Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (!canQuote(bytes, options)) return literal(bytes);
  return quoteASCII(bytes.toString('utf8'));
}

/** An IMAP `astring`: a bare atom when that is unambiguous, else as imapString. `NIL` is quoted, or it would read back as nil. */
export function imapAString(value: string | Buffer, options: IMAPStringOptions = {}): string | Buffer {
  const text = typeof value === 'string' ? value : value.toString('latin1');
  if (SAFE_ATOM.test(text) && text.toUpperCase() !== 'NIL') return text;
  return imapString(value, options);
}

/** An IMAP `nstring`: `NIL` for null or undefined, else a string (never an atom: the grammar allows none here). */
export function imapNString(value: string | Buffer | null | undefined, options: IMAPStringOptions = {}): string | Buffer {
  return value === null || value === undefined ? 'NIL' : imapString(value, options);
}

/**
 * INTERNALDATE `17-Jul-1996 02:44:25 -0700` without its quotes (RFC 3501 §9 date-time; the day is
 * space-padded, date-day-fixed). `offsetMinutes` is east of UTC (-420 for -0700), the zone to show.
 */
export function formatIMAPDateTime(ms: number, offsetMinutes = 0): string {
  if (!Number.isFinite(ms)) throw new RangeError('formatIMAPDateTime: not a finite time');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 99 * 60 + 59) throw new RangeError('formatIMAPDateTime: bad zone offset');
  const local = new Date(ms + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  // date-year is 4DIGIT: a year outside 0..9999 cannot be written, and a client would reject the whole FETCH.
  if (year < 0 || year > 9999) throw new RangeError('formatIMAPDateTime: year out of range');
  const two = (n: number): string => String(n).padStart(2, '0');
  const zone = Math.abs(offsetMinutes);
  return (
    `${String(local.getUTCDate()).padStart(2, ' ')}-${IMAP_MONTHS[local.getUTCMonth()] ?? 'Jan'}-${String(year).padStart(4, '0')} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ` +
    `${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(zone / 60))}${two(zone % 60)}`
  );
}

/** Said when a caller passes no human text: RFC 3501 `text` is 1*TEXT-CHAR, never empty. */
const DEFAULT_TEXT = 'Done';

/**
 * Human text for the end of a status response (RFC 3501 `text`). CR, LF and NUL become spaces: the
 * text often quotes what a client sent (a mailbox name, a search key), and a CRLF in it would let
 * that client write a response line of its own. A leading `[` becomes `(` so text is never read as
 * a response code. Without `utf8Accept`, non-ASCII becomes `?` (IMAP4rev1 text is 7-bit).
 */
export function formatResponseText(text: string, options: IMAPStringOptions = {}): string {
  let clean = text.replace(/[\r\n\0]+/g, ' ').replace(/[\x01-\x08\x0b-\x1f\x7f]/g, '?');
  if (!options.utf8Accept) clean = clean.replace(/[^\x20-\x7e\t]/gu, '?');
  clean = clean.trim();
  if (clean.startsWith('[')) clean = `(${clean.slice(1)}`;
  return clean.length === 0 ? DEFAULT_TEXT : clean;
}

/** A value in a response: `null` is NIL, numbers are written as they are, the rest say how they must be written. */
export type ResponseValue =
  | null
  | number
  | bigint
  /** A keyword or flag such as `\Seen` or `UIDNEXT`; checked to be an atom (it is never client text). */
  | { atom: string }
  | { astring: string | Buffer }
  | { string: string | Buffer }
  /** Always a literal, e.g. a message body. */
  | { literal: Buffer }
  /** `~{n}` literal8 (RFC 3516 §4.2): BINARY content that holds NUL. */
  | { literal8: Buffer }
  /**
   * Already serialized IMAP syntax (ENVELOPE, BODYSTRUCTURE rendered once from the cached
   * structure), written as UTF-8 without a check: only our own serializers may produce it, never
   * client text.
   */
  | { serialized: string }
  | { list: ResponseValue[] };

/** ATOM-CHAR (RFC 3501 §9): printable ASCII except atom-specials `( ) { SP % * " \ ]`, and an optional leading `\` for flags. */
const ATOM = /^\\?[!#$&'+-[^-z|~]+$/;

function checkAtom(value: string): string {
  // `\*` is the one flag that is not an atom (PERMANENTFLAGS, RFC 3501 §7.1).
  if (value !== '\\*' && !ATOM.test(value)) throw new RangeError(`not an IMAP atom: ${JSON.stringify(value)}`);
  return value;
}

function serializeValue(value: ResponseValue, options: IMAPStringOptions, out: (string | Buffer)[]): void {
  if (value === null) {
    out.push('NIL');
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an IMAP number: ${value}`);
    out.push(String(value));
  } else if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError('not an IMAP number');
    out.push(value.toString());
  } else if ('atom' in value) {
    out.push(checkAtom(value.atom));
  } else if ('astring' in value) {
    out.push(imapAString(value.astring, options));
  } else if ('string' in value) {
    out.push(imapString(value.string, options));
  } else if ('literal' in value) {
    out.push(`{${value.literal.length}}\r\n`, value.literal);
  } else if ('literal8' in value) {
    out.push(`~{${value.literal8.length}}\r\n`, value.literal8);
  } else if ('serialized' in value) {
    out.push(value.serialized);
  } else {
    out.push('(');
    value.list.forEach((item, i) => {
      if (i > 0) out.push(' ');
      serializeValue(item, options, out);
    });
    out.push(')');
  }
}

function toBuffer(parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
}

/** `(\Seen \Answered)`; every flag is checked to be an atom or `\*`, so a keyword can never break the list. */
export function flagsList(flags: readonly string[]): string {
  return `(${flags.map(checkAtom).join(' ')})`;
}

/**
 * A response code (RFC 3501 §7.1, RFC 5530): `{ name: 'UIDVALIDITY', args: [3857529045] }` is
 * `[UIDVALIDITY 3857529045]`, `{ name: 'APPENDUID', args: [38505, 3955] }` is `[APPENDUID 38505 3955]`.
 */
export interface ResponseCode {
  name: string;
  args?: ResponseValue[];
}

const CODE_NAME = /^[A-Za-z][A-Za-z0-9.\-_]*$/;

function codeParts(code: ResponseCode, options: IMAPStringOptions): (string | Buffer)[] {
  if (!CODE_NAME.test(code.name)) throw new RangeError(`not a response code name: ${JSON.stringify(code.name)}`);
  const out: (string | Buffer)[] = [`[${code.name}`];
  for (const arg of code.args ?? []) {
    out.push(' ');
    // A literal in a response code is legal only in few codes and confuses clients; keep codes on one line.
    serializeValue(arg, options, out);
  }
  out.push('] ');
  if (out.some((part) => typeof part !== 'string' || part.includes('\n'))) throw new RangeError('a response code must fit on one line');
  return out;
}

export type TaggedStatus = 'OK' | 'NO' | 'BAD';
export type UntaggedStatus = TaggedStatus | 'PREAUTH' | 'BYE';

export interface StatusResponseOptions extends IMAPStringOptions {
  code?: ResponseCode;
}

function statusLine(prefix: string, status: string, text: string, options: StatusResponseOptions): Buffer {
  const code = options.code ? codeParts(options.code, options) : [];
  return toBuffer([prefix, ' ', status, ' ', ...code, formatResponseText(text, options), '\r\n']);
}

/** `a002 OK [READ-WRITE] SELECT completed`. The tag is the client's own, checked again so nothing else can ride in it. */
export function tagged(tag: string, status: TaggedStatus, text: string, options: StatusResponseOptions = {}): Buffer {
  if (!isValidTag(tag)) throw new RangeError('invalid tag');
  return statusLine(tag, status, text, options);
}

/** `* OK [UIDVALIDITY 3857529045] UIDs valid`, `* BYE …`. */
export function untagged(status: UntaggedStatus, text: string, options: StatusResponseOptions = {}): Buffer {
  return statusLine('*', status, text, options);
}

/** Untagged data: `* 18 EXISTS`, `* FLAGS (…)`, `* LIST (\Noselect) "/" foo` — each value serialized by its kind. */
export function untaggedData(values: readonly ResponseValue[], options: IMAPStringOptions = {}): Buffer {
  const out: (string | Buffer)[] = ['*'];
  for (const value of values) {
    out.push(' ');
    serializeValue(value, options, out);
  }
  out.push('\r\n');
  return toBuffer(out);
}

/** `+ Ready for literal data` (RFC 3501 §7.5). */
export function continuation(text: string, options: IMAPStringOptions = {}): Buffer {
  return toBuffer(['+ ', formatResponseText(text, options), '\r\n']);
}

/** `+ <base64>` for an AUTHENTICATE challenge; an empty challenge is `+ ` (RFC 4959 §3). */
export function continuationBase64(data: Buffer): Buffer {
  return Buffer.from(`+ ${data.toString('base64')}\r\n`, 'latin1');
}

/** `BODY[HEADER.FIELDS (FROM TO)]<0>`, `RFC822.TEXT`, `BINARY[1]`: printable ASCII, one line, no `]` inside the section. */
const FETCH_ITEM_NAME = /^[A-Za-z][A-Za-z0-9.]*(\[[\x20-\x5c\x5e-\x7e]*\](<[0-9]+>)?)?$/;

/** Where a streamed literal's bytes go in a FETCH response (see FetchResponseBuilder.literalSlot); slots come in the order they were added. */
export interface FetchLiteralSlot {
  length: number;
}

/**
 * One `* n FETCH (…)` response, item by item. `toChunks()` keeps message bodies as the Buffers
 * given (no copy, so a large body is written straight to the socket); `toBuffer()` joins them.
 */
export class FetchResponseBuilder {
  private readonly items: (string | Buffer | FetchLiteralSlot)[] = [];

  constructor(
    private readonly sequenceNumber: number,
    private readonly options: IMAPStringOptions = {},
  ) {
    if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < 1) throw new RangeError('invalid message sequence number');
  }

  /** Any item: the name is checked, the value serialized by its kind. */
  item(name: string, value: ResponseValue): this {
    if (!FETCH_ITEM_NAME.test(name)) throw new RangeError(`not a FETCH item name: ${JSON.stringify(name)}`);
    if (this.items.length > 0) this.items.push(' ');
    const parts: (string | Buffer)[] = [name, ' '];
    serializeValue(value, this.options, parts);
    this.items.push(...parts);
    return this;
  }

  /** A name of ours and a number: no check needed beyond the number's. */
  #number(name: string, value: number | bigint): this {
    if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) throw new RangeError(`invalid ${name}`);
    this.items.push(this.items.length > 0 ? ` ${name} ${value}` : `${name} ${value}`);
    return this;
  }

  uid(uid: number): this {
    return this.#number('UID', uid);
  }

  flags(flags: readonly string[]): this {
    // As item('FLAGS', { list: atoms }) would write it, without a value object per flag: every metadata FETCH response has one.
    this.items.push(`${this.items.length > 0 ? ' ' : ''}FLAGS ${flagsList(flags)}`);
    return this;
  }

  /** ENVELOPE, BODY or BODYSTRUCTURE text our own serializers made (stored at delivery), written as it is. */
  rendered(name: 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE', text: string): this {
    this.items.push(this.items.length > 0 ? ` ${name} ` : `${name} `, text);
    return this;
  }

  rfc822Size(size: number): this {
    return this.#number('RFC822.SIZE', size);
  }

  internalDate(ms: number, offsetMinutes = 0): this {
    return this.item('INTERNALDATE', { string: formatIMAPDateTime(ms, offsetMinutes) });
  }

  modseq(modseq: bigint | number): this {
    return this.item('MODSEQ', { list: [modseq] });
  }

  /** `BODY[HEADER] {342}\r\n…`: bodies always go as literals (they hold CRLF), NIL when the part does not exist. */
  body(name: string, content: Buffer | null): this {
    return this.item(name, content === null ? null : { literal: content });
  }

  /**
   * `BODY[] {5242880}\r\n` with the literal's bytes left out: the caller streams exactly `length`
   * bytes where toSegments() puts the slot, so a large body is never held in memory whole.
   */
  literalSlot(name: string, length: number, options: { literal8?: boolean } = {}): this {
    if (!FETCH_ITEM_NAME.test(name)) throw new RangeError(`not a FETCH item name: ${JSON.stringify(name)}`);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('invalid literal length');
    if (this.items.length > 0) this.items.push(' ');
    this.items.push(name, ' ', `${options.literal8 ? '~' : ''}{${length}}\r\n`);
    this.items.push({ length });
    return this;
  }

  /**
   * The response as text runs (strings, to be written as UTF-8), literal bytes and the slots of
   * literalSlot(), in order: a caller sending thousands of responses joins the text of many into
   * one buffer instead of allocating one per response.
   */
  toParts(): (string | Buffer | FetchLiteralSlot)[] {
    const parts: (string | Buffer | FetchLiteralSlot)[] = [];
    let text = `* ${this.sequenceNumber} FETCH (`;
    for (const part of this.items) {
      if (typeof part === 'string') {
        text += part;
      } else {
        parts.push(text, part);
        text = '';
      }
    }
    parts.push(`${text})\r\n`);
    return parts;
  }

  /** The response as buffers and the slots of literalSlot(), in order. */
  toSegments(): (Buffer | FetchLiteralSlot)[] {
    return this.toParts().map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
  }

  toChunks(): Buffer[] {
    return this.toSegments().map((part) => {
      if (!Buffer.isBuffer(part)) throw new RangeError('toChunks: the response has streamed literal slots; use toSegments()');
      return part;
    });
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
