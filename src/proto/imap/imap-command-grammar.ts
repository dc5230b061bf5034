// Turns one framed IMAP command (its lines and literals) into an IMAPCommand, hand-written because no IMAP server library of quality exists on npm.
import type { IMAPCommand, IMAPPartial, IMAPValue } from './imap-value.js';
import { parseSequenceSet } from './sequence-set.js';

/** One line of a command without its CRLF and without the trailing literal header, followed by that literal if there was one. */
export interface CommandSegment {
  text: Buffer;
  literal?: Buffer;
  /** The literal was a literal8 `~{n}` (RFC 3516 §4.4). */
  binary?: boolean;
}

/** Raised inside the grammar; `tag` is known once the tag itself parsed, so the answer can be a tagged BAD. */
export class IMAPGrammarError extends Error {
  constructor(
    message: string,
    readonly tag: string | null,
  ) {
    super(message);
    this.name = 'IMAPGrammarError';
  }
}

/**
 * Nesting limit for lists and sections: the grammar recurses, and an attacker-chosen depth must
 * not reach the JavaScript stack limit. Real commands nest at most three deep.
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * A `[` that turns out not to open a section is read again as part of a plain token, and every
 * such try may read to the end of the command (each nested `BODY[1 BODY[1 …` tries again inside
 * the last, at a cost that doubles with each level). Past this many failed tries in one command
 * no section is tried any more, so a command costs at most this many passes over its bytes. Real
 * commands fail none (only names such as `Work[2024` fail, once each).
 */
const MAX_FAILED_SECTIONS = 8;

const END = -1;
const LITERAL = -2;
const SP = 0x20;

/**
 * tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 §9): printable ASCII except atom-specials
 * `( ) { SP % * " \` and `+`; `]` is allowed. `+` and `*` are refused because they would make
 * our continuation and untagged responses ambiguous to the client.
 */
export function isTagByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && !'(){%*"\\+'.includes(String.fromCharCode(byte));
}

export function isValidTag(tag: string): boolean {
  if (tag.length === 0) return false;
  for (let i = 0; i < tag.length; i++) if (!isTagByte(tag.charCodeAt(i))) return false;
  return true;
}

/** Bytes that may appear in a bare token here: printable ASCII except `( ) { "` (and `\`, allowed only first, for flags). */
function isTokenByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && byte !== 0x28 && byte !== 0x29 && byte !== 0x7b && byte !== 0x22 && byte !== 0x5c;
}

const ATOM_NAME = /^[A-Za-z][A-Za-z0-9.\-_]*$/;

class Cursor {
  private segment = 0;
  private position = 0;
  tag: string | null = null;
  failedSections = 0;

  constructor(private readonly segments: CommandSegment[]) {}

  /** The next byte, LITERAL when a literal is next, END at the end of the command. */
  peek(): number {
    const current = this.segments[this.segment];
    if (!current) return END;
    if (this.position < current.text.length) return current.text[this.position] ?? END;
    return current.literal ? LITERAL : END;
  }

  advance(): void {
    this.position++;
  }

  takeLiteral(): { value: Buffer; binary: boolean } {
    const current = this.segments[this.segment];
    this.segment++;
    this.position = 0;
    return { value: current?.literal ?? Buffer.alloc(0), binary: current?.binary === true };
  }

  save(): [number, number] {
    return [this.segment, this.position];
  }

  restore([segment, position]: [number, number]): void {
    this.segment = segment;
    this.position = position;
  }

  fail(message: string): never {
    throw new IMAPGrammarError(message, this.tag);
  }
}

/** Parses one complete command; throws IMAPGrammarError when it is malformed. */
export function parseCommandSegments(segments: CommandSegment[]): IMAPCommand {
  const cursor = new Cursor(segments);
  let tag = '';
  while (cursor.peek() >= 0 && cursor.peek() !== SP) {
    const byte = cursor.peek();
    if (!isTagByte(byte)) cursor.fail(`Invalid character in tag (0x${byte.toString(16).padStart(2, '0')})`);
    tag += String.fromCharCode(byte);
    cursor.advance();
  }
  if (tag.length === 0) cursor.fail('Missing tag');
  cursor.tag = tag;
  if (cursor.peek() !== SP) cursor.fail('Missing command');
  cursor.advance();
  let name = '';
  while (cursor.peek() >= 0 && cursor.peek() !== SP) {
    name += String.fromCharCode(cursor.peek());
    cursor.advance();
  }
  if (!ATOM_NAME.test(name)) cursor.fail(name.length === 0 ? 'Missing command' : 'Invalid command name');
  const args: IMAPValue[] = [];
  while (cursor.peek() !== END) {
    if (cursor.peek() !== SP) cursor.fail('Expected a space between arguments');
    cursor.advance();
    args.push(parseValue(cursor, { depth: 0, inSection: false }));
  }
  return { tag, name: name.toUpperCase(), args };
}

interface Context {
  depth: number;
  /** Inside `[ ... ]`, where `]` closes the section instead of being part of a token. */
  inSection: boolean;
}

function parseValue(cursor: Cursor, context: Context): IMAPValue {
  const byte = cursor.peek();
  if (byte === LITERAL) {
    const { value, binary } = cursor.takeLiteral();
    return binary ? { type: 'string', value, binary } : { type: 'string', value };
  }
  if (byte === 0x28) return { type: 'list', items: parseList(cursor, context) };
  if (byte === 0x22) return { type: 'string', value: parseQuoted(cursor) };
  if (byte === END) return cursor.fail('Expected an argument');
  return parseToken(cursor, context);
}

function parseList(cursor: Cursor, context: Context): IMAPValue[] {
  if (context.depth >= MAX_NESTING_DEPTH) cursor.fail('Lists nested too deeply');
  cursor.advance(); // (
  const inner = { depth: context.depth + 1, inSection: context.inSection };
  const items: IMAPValue[] = [];
  if (cursor.peek() === 0x29) {
    cursor.advance();
    return items;
  }
  for (;;) {
    items.push(parseValue(cursor, inner));
    const next = cursor.peek();
    if (next === 0x29) {
      cursor.advance();
      return items;
    }
    if (next !== SP) cursor.fail(next === END ? 'Unbalanced parenthesis' : 'Expected a space or ) in list');
    cursor.advance();
  }
}

function parseQuoted(cursor: Cursor): Buffer {
  cursor.advance(); // "
  const bytes: number[] = [];
  for (;;) {
    let byte = cursor.peek();
    if (byte < 0) cursor.fail('Unterminated quoted string');
    cursor.advance();
    if (byte === 0x22) return Buffer.from(bytes);
    if (byte === 0x5c) {
      // quoted-specials: only \" and \\ may be escaped (RFC 3501 §9).
      byte = cursor.peek();
      if (byte !== 0x22 && byte !== 0x5c) cursor.fail('Invalid escape in quoted string');
      cursor.advance();
    } else if (byte === 0) {
      cursor.fail('NUL in quoted string');
    }
    bytes.push(byte);
  }
}

function readBareToken(cursor: Cursor, context: Context, options: { stopAtBracket: boolean }): string {
  let text = '';
  for (;;) {
    const byte = cursor.peek();
    if (byte === 0x5c && text.length === 0) {
      // A flag such as \Seen or \* starts with the one backslash a bare token may hold.
    } else if (!isTokenByte(byte)) {
      break;
    } else if (byte === 0x5d && context.inSection) {
      break;
    } else if (byte === 0x5b && options.stopAtBracket && text.length > 0) {
      break;
    }
    text += String.fromCharCode(byte);
    cursor.advance();
  }
  return text;
}

function endsToken(byte: number, context: Context): boolean {
  return byte === SP || byte === END || byte === 0x29 || (context.inSection && byte === 0x5d);
}

function parseToken(cursor: Cursor, context: Context): IMAPValue {
  const start = cursor.save();
  const text = readBareToken(cursor, context, { stopAtBracket: true });
  if (text.length === 0) cursor.fail('Invalid character in argument');
  if (cursor.peek() === 0x5b) {
    const withSection = cursor.failedSections < MAX_FAILED_SECTIONS ? tryParseSection(cursor, context, text) : undefined;
    if (withSection) return withSection;
    // Not a section after all (`Work[2024`): read it again as one plain token, such as a mailbox name.
    cursor.failedSections++;
    cursor.restore(start);
    return classify(readBareToken(cursor, context, { stopAtBracket: false }), cursor, context);
  }
  return classify(text, cursor, context);
}

function classify(text: string, cursor: Cursor, context: Context): IMAPValue {
  if (!endsToken(cursor.peek(), context)) cursor.fail('Invalid character in argument');
  if (text.toUpperCase() === 'NIL') return { type: 'nil' };
  const set = parseSequenceSet(text);
  if (set) return { type: 'sequence', value: set };
  return { type: 'atom', value: text };
}

function tryParseSection(cursor: Cursor, context: Context, value: string): IMAPValue | undefined {
  if (context.depth >= MAX_NESTING_DEPTH) cursor.fail('Sections nested too deeply');
  cursor.advance(); // [
  const inner = { depth: context.depth + 1, inSection: true };
  const section: IMAPValue[] = [];
  try {
    if (cursor.peek() !== 0x5d) {
      for (;;) {
        // Past the limit the sections still open give up too, or each would read on to the end.
        if (cursor.failedSections >= MAX_FAILED_SECTIONS) return undefined;
        section.push(parseValue(cursor, inner));
        if (cursor.peek() !== SP) break;
        cursor.advance();
      }
    }
    if (cursor.peek() !== 0x5d) return undefined;
    cursor.advance();
  } catch (error) {
    if (error instanceof IMAPGrammarError) return undefined;
    throw error;
  }
  let partial: IMAPPartial | undefined;
  if (cursor.peek() === 0x3c) {
    partial = parsePartial(cursor);
    if (!partial) return undefined;
  }
  if (!endsToken(cursor.peek(), context)) return undefined;
  return partial ? { type: 'atom', value, section, partial } : { type: 'atom', value, section };
}

const PARTIAL_PATTERN = /^<(0|[1-9][0-9]{0,9})\.([1-9][0-9]{0,9})>$/;

/** `<start.length>` with both numbers 32-bit and length non-zero (RFC 3501 §9 `section` partial). */
function parsePartial(cursor: Cursor): IMAPPartial | undefined {
  let text = '';
  while (text.length < 24) {
    const byte = cursor.peek();
    if (byte < 0) return undefined;
    text += String.fromCharCode(byte);
    cursor.advance();
    if (byte === 0x3e) break;
  }
  const match = PARTIAL_PATTERN.exec(text);
  if (!match) return undefined;
  const start = Number(match[1]);
  const length = Number(match[2]);
  if (start > 4_294_967_295 || length > 4_294_967_295) return undefined;
  return { start, length };
}
