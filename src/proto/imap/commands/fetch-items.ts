// Reads FETCH's data items, macros and modifiers (RFC 3501 §6.4.5, RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE/VANISHED) into a typed list.
import type { IMAPPartial, IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { formatSequenceSet } from '../sequence-set.js';
import { astring, keyword, list, numberArg } from './command-args.js';

/** Which bytes of a message (or of one of its parts) a BODY section names. */
export type FetchSection =
  /** BODY[]: the whole message. */
  | { kind: 'full' }
  /** BODY[1.2]: the body of a part (BODY[1] of a single-part message is its body). */
  | { kind: 'part'; part: string }
  | { kind: 'header'; part: string }
  | { kind: 'text'; part: string }
  | { kind: 'mime'; part: string }
  | { kind: 'fields'; part: string; names: string[]; not: boolean };

type SimpleKind = 'uid' | 'flags' | 'internaldate' | 'size' | 'envelope' | 'bodystructure' | 'body-plain' | 'modseq';

export type FetchItem =
  | { kind: SimpleKind }
  /** BODY[…], BODY.PEEK[…], RFC822, RFC822.HEADER, RFC822.TEXT; `name` is how the response labels it. */
  | { kind: 'body'; section: FetchSection; partial?: IMAPPartial; peek: boolean; name: string }
  /** BINARY[part], BINARY.PEEK[part] (RFC 3516): the part's content with its transfer encoding undone; part '' is the whole message. */
  | { kind: 'binary'; part: string; partial?: IMAPPartial; peek: boolean; name: string }
  | { kind: 'binary-size'; part: string; name: string };

/** What FETCH asks for of each message: its fetch-att list (RFC 3501 §9) and its fetch-modifiers (RFC 4466 §2.4). */
export interface FetchAttributes {
  items: FetchItem[];
  /** CHANGEDSINCE (RFC 7162 §3.1.4.1): only messages whose MODSEQ is higher. */
  changedSince?: number;
  /** VANISHED (RFC 7162 §3.2.6): UID FETCH also reports expunged UIDs of the set. */
  vanished: boolean;
}

const MACROS: Record<string, SimpleKind[]> = {
  ALL: ['flags', 'internaldate', 'size', 'envelope'],
  FAST: ['flags', 'internaldate', 'size'],
  FULL: ['flags', 'internaldate', 'size', 'envelope', 'body-plain'],
};

const SIMPLE: Record<string, SimpleKind> = {
  UID: 'uid',
  FLAGS: 'flags',
  INTERNALDATE: 'internaldate',
  'RFC822.SIZE': 'size',
  ENVELOPE: 'envelope',
  BODYSTRUCTURE: 'bodystructure',
  MODSEQ: 'modseq',
};

const PART_NUMBER = /^[1-9][0-9]{0,8}(\.[1-9][0-9]{0,8})*$/;
/** Header field names are printable ASCII without a colon (RFC 5322 §3.6.8); shown back as atoms when they are atoms. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const ATOM_FIELD_NAME = /^[!#$&'+\-.0-9;<=>?@A-Z^_`a-z|~]+$/;
/** A client could otherwise make us filter headers against thousands of names for every message. */
const MAX_FIELD_NAMES = 100;

function sectionText(value: IMAPValue): string {
  if (value.type === 'sequence') return formatSequenceSet(value.value);
  if (value.type === 'atom' && !value.section && !value.partial) return value.value;
  throw new IMAPSyntaxError('Invalid section');
}

/** The part number and the rest (`1.2.HEADER` → ['1.2', 'HEADER']). */
function splitSection(text: string): [string, string] {
  const pieces = text.split('.');
  let i = 0;
  while (i < pieces.length && /^[0-9]+$/.test(pieces[i]!)) i++;
  const part = pieces.slice(0, i).join('.');
  if (part !== '' && !PART_NUMBER.test(part)) throw new IMAPSyntaxError('Invalid section part number');
  return [part, pieces.slice(i).join('.').toUpperCase()];
}

function parseSection(values: IMAPValue[]): { section: FetchSection; label: string } {
  if (values.length === 0) return { section: { kind: 'full' }, label: '' };
  const [part, spec] = splitSection(sectionText(values[0]!));
  const prefix = part === '' ? '' : `${part}.`;
  if (spec === 'HEADER.FIELDS' || spec === 'HEADER.FIELDS.NOT') {
    if (values.length !== 2) throw new IMAPSyntaxError(`${spec} takes a list of header field names`);
    const names = list(values[1]!).map((v) => astring(v));
    if (names.length === 0 || names.length > MAX_FIELD_NAMES) throw new IMAPSyntaxError(`${spec} takes 1 to ${MAX_FIELD_NAMES} field names`);
    for (const name of names) if (!FIELD_NAME.test(name)) throw new IMAPSyntaxError('Invalid header field name');
    // Echoed upper-case as Dovecot does; a name that is not an atom goes back quoted.
    const shown = names.map((n) => (ATOM_FIELD_NAME.test(n) ? n.toUpperCase() : `"${n.toUpperCase().replace(/["\\]/g, '\\$&')}"`));
    return { section: { kind: 'fields', part, names: names.map((n) => n.toLowerCase()), not: spec === 'HEADER.FIELDS.NOT' }, label: `${prefix}${spec} (${shown.join(' ')})` };
  }
  if (values.length !== 1) throw new IMAPSyntaxError('Invalid section');
  switch (spec) {
    case '':
      return { section: { kind: 'part', part }, label: part };
    case 'HEADER':
      return { section: { kind: 'header', part }, label: `${prefix}HEADER` };
    case 'TEXT':
      return { section: { kind: 'text', part }, label: `${prefix}TEXT` };
    case 'MIME':
      // RFC 3501 §6.4.5: MIME only follows a part number.
      if (part === '') throw new IMAPSyntaxError('MIME needs a part number');
      return { section: { kind: 'mime', part }, label: `${prefix}MIME` };
    default:
      throw new IMAPSyntaxError('Invalid section');
  }
}

/** RFC 3516: BINARY sections are part numbers only (or empty for the whole message). */
function parseBinaryPart(values: IMAPValue[]): string {
  if (values.length === 0) return '';
  if (values.length !== 1) throw new IMAPSyntaxError('Invalid BINARY section');
  const text = sectionText(values[0]!);
  if (!PART_NUMBER.test(text)) throw new IMAPSyntaxError('BINARY takes a part number');
  return text;
}

/** `<start>` as the response shows it (RFC 3501 §7.4.2: only the origin octet). */
function partialLabel(partial: IMAPPartial | undefined): string {
  return partial ? `<${partial.start}>` : '';
}

function parseItem(value: IMAPValue): FetchItem {
  if (value.type !== 'atom') throw new IMAPSyntaxError('Invalid FETCH item');
  const name = value.value.toUpperCase();
  const { section, partial } = value;
  if (!section) {
    if (partial) throw new IMAPSyntaxError('A partial needs a section');
    const simple = SIMPLE[name];
    if (simple) return { kind: simple };
    switch (name) {
      case 'BODY':
        return { kind: 'body-plain' };
      case 'RFC822':
        return { kind: 'body', section: { kind: 'full' }, peek: false, name: 'RFC822' };
      case 'RFC822.HEADER':
        return { kind: 'body', section: { kind: 'header', part: '' }, peek: true, name: 'RFC822.HEADER' };
      case 'RFC822.TEXT':
        return { kind: 'body', section: { kind: 'text', part: '' }, peek: false, name: 'RFC822.TEXT' };
    }
    throw new IMAPSyntaxError(`Unknown FETCH item ${name.slice(0, 40)}`);
  }
  if (name === 'BODY' || name === 'BODY.PEEK') {
    const parsed = parseSection(section);
    return { kind: 'body', section: parsed.section, ...(partial ? { partial } : {}), peek: name === 'BODY.PEEK', name: `BODY[${parsed.label}]${partialLabel(partial)}` };
  }
  if (name === 'BINARY' || name === 'BINARY.PEEK') {
    const part = parseBinaryPart(section);
    return { kind: 'binary', part, ...(partial ? { partial } : {}), peek: name === 'BINARY.PEEK', name: `BINARY[${part}]${partialLabel(partial)}` };
  }
  if (name === 'BINARY.SIZE') {
    if (partial) throw new IMAPSyntaxError('BINARY.SIZE takes no partial');
    const part = parseBinaryPart(section);
    return { kind: 'binary-size', part, name: `BINARY.SIZE[${part}]` };
  }
  throw new IMAPSyntaxError(`Unknown FETCH item ${name.slice(0, 40)}`);
}

function parseModifiers(value: IMAPValue | undefined): Pick<FetchAttributes, 'changedSince' | 'vanished'> {
  if (!value) return { vanished: false };
  const items = list(value);
  let changedSince: number | undefined;
  let vanished = false;
  for (let i = 0; i < items.length; i++) {
    const name = keyword(items[i]!);
    if (name === 'CHANGEDSINCE') {
      const next = items[++i];
      if (!next) throw new IMAPSyntaxError('CHANGEDSINCE takes a mod-sequence');
      changedSince = numberArg(next);
    } else if (name === 'VANISHED') vanished = true;
    else throw new IMAPSyntaxError(`Unknown FETCH modifier ${name.slice(0, 40)}`);
  }
  return { ...(changedSince !== undefined ? { changedSince } : {}), vanished };
}

/** FETCH's second and third arguments: the items (a macro, one item or a list) and the optional modifiers. */
export function parseFetchAttributes(itemsArg: IMAPValue, modifiersArg: IMAPValue | undefined): FetchAttributes {
  let items: FetchItem[];
  if (itemsArg.type === 'atom' && !itemsArg.section && MACROS[itemsArg.value.toUpperCase()]) {
    items = MACROS[itemsArg.value.toUpperCase()]!.map((kind): FetchItem => ({ kind }));
  } else if (itemsArg.type === 'list') {
    if (itemsArg.items.length === 0) throw new IMAPSyntaxError('FETCH needs at least one item');
    items = itemsArg.items.map(parseItem);
  } else {
    items = [parseItem(itemsArg)];
  }
  return { items, ...parseModifiers(modifiersArg) };
}
