// Reads SEARCH's criteria (RFC 3501 §6.4.4, RFC 9051 §6.4.4, MODSEQ of RFC 7162 §3.1.5) and its RETURN options (ESEARCH, RFC 4731) into a typed query.
import { parseIMAPDate } from '../imap-date.js';
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import type { SequenceSet } from '../sequence-set.js';
import { astring, keyword, list, numberArg, sequenceSet } from './command-args.js';
import type { SystemFlag } from './flag-list.js';
import { systemFlag } from './flag-list.js';

/** Header fields kept decoded on the message row, searched without reading the message. */
export type IndexedField = 'subject';

/** The address fields of the envelope that FROM, TO, CC and BCC search (RFC 3501 §6.4.4). */
export type AddressField = 'from' | 'to' | 'cc' | 'bcc';

export type SearchKey =
  | { kind: 'all' }
  | { kind: 'flag'; flag: SystemFlag; set: boolean }
  | { kind: 'keyword'; keyword: string; set: boolean }
  | { kind: 'recent' }
  | { kind: 'new' }
  | { kind: 'old' }
  | { kind: 'indexed'; field: IndexedField; text: string }
  /** FROM, TO, CC, BCC: a substring of any part of the envelope's addresses (name, route, mailbox, host, group name). */
  | { kind: 'address'; field: AddressField; text: string }
  /** HEADER field string: read from the stored header. An empty string matches any message that has the field. */
  | { kind: 'header'; field: string; text: string }
  | { kind: 'body'; text: string }
  | { kind: 'text'; text: string }
  /** A day as days since 1970-01-01; `sent` compares the Date header's own day, `internal` the arrival day. */
  | { kind: 'date'; of: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; day: number }
  | { kind: 'size'; op: 'larger' | 'smaller'; size: number }
  | { kind: 'uid'; set: SequenceSet }
  | { kind: 'seq'; set: SequenceSet }
  | { kind: 'modseq'; modseq: number }
  | { kind: 'not'; key: SearchKey }
  | { kind: 'or'; left: SearchKey; right: SearchKey }
  | { kind: 'and'; keys: SearchKey[] };

export type ReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT';

export interface SearchQuery {
  key: SearchKey;
  /** RETURN (…) given (ESEARCH): the options, ALL when the list is empty. Undefined: a classic SEARCH. */
  returnOptions?: ReturnOption[];
}

/** A query nests only this deep (NOT NOT NOT …, OR OR OR …): the evaluator recurses. */
const MAX_DEPTH = 50;
const SUPPORTED_CHARSETS = new Set(['UTF-8', 'US-ASCII']);

/** A CHARSET we cannot search in: answered NO [BADCHARSET (UTF-8 US-ASCII)] (RFC 3501 §6.4.4). */
export class BadCharsetError extends Error {
  constructor() {
    super('Unsupported charset');
    this.name = 'BadCharsetError';
  }
}

export const SEARCH_CHARSETS = [...SUPPORTED_CHARSETS];

const FLAG_KEYS: Record<string, { flag: SystemFlag; set: boolean }> = {
  SEEN: { flag: 'seen', set: true },
  UNSEEN: { flag: 'seen', set: false },
  ANSWERED: { flag: 'answered', set: true },
  UNANSWERED: { flag: 'answered', set: false },
  FLAGGED: { flag: 'flagged', set: true },
  UNFLAGGED: { flag: 'flagged', set: false },
  DELETED: { flag: 'deleted', set: true },
  UNDELETED: { flag: 'deleted', set: false },
  DRAFT: { flag: 'draft', set: true },
  UNDRAFT: { flag: 'draft', set: false },
};

const INDEXED: Record<string, IndexedField> = { SUBJECT: 'subject' };
const ADDRESS: Record<string, AddressField> = { FROM: 'from', TO: 'to', CC: 'cc', BCC: 'bcc' };

const DATE_KEYS: Record<string, { of: 'internal' | 'sent'; op: 'before' | 'on' | 'since' }> = {
  BEFORE: { of: 'internal', op: 'before' },
  ON: { of: 'internal', op: 'on' },
  SINCE: { of: 'internal', op: 'since' },
  SENTBEFORE: { of: 'sent', op: 'before' },
  SENTON: { of: 'sent', op: 'on' },
  SENTSINCE: { of: 'sent', op: 'since' },
};

const DAY_MS = 86_400_000;

class Reader {
  #i = 0;
  constructor(private readonly values: readonly IMAPValue[]) {}

  get done(): boolean {
    return this.#i >= this.values.length;
  }

  next(what: string): IMAPValue {
    const value = this.values[this.#i++];
    if (!value) throw new IMAPSyntaxError(`SEARCH: missing ${what}`);
    return value;
  }

  peek(): IMAPValue | undefined {
    return this.values[this.#i];
  }
}

function searchDate(value: IMAPValue): number {
  const text = value.type === 'string' ? value.value.toString('latin1') : astring(value);
  const date = parseIMAPDate(text);
  if (!date) throw new IMAPSyntaxError('Invalid date (expected d-Mon-yyyy)');
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

function flagKeyword(value: IMAPValue): { flag: SystemFlag } | { keyword: string } {
  const text = astring(value);
  const system = systemFlag(text);
  if (system) return { flag: system };
  if (text.startsWith('\\')) throw new IMAPSyntaxError('Invalid keyword');
  return { keyword: text };
}

function readKey(reader: Reader, depth: number): SearchKey {
  if (depth > MAX_DEPTH) throw new IMAPSyntaxError('SEARCH nests too deep');
  const value = reader.next('search key');
  if (value.type === 'list') {
    const inner = new Reader(value.items);
    const keys: SearchKey[] = [];
    while (!inner.done) keys.push(readKey(inner, depth + 1));
    if (keys.length === 0) throw new IMAPSyntaxError('SEARCH: empty parenthesized key');
    return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
  }
  if (value.type === 'sequence') return { kind: 'seq', set: value.value };
  const name = keyword(value);
  const flag = FLAG_KEYS[name];
  if (flag) return { kind: 'flag', ...flag };
  const indexed = INDEXED[name];
  if (indexed) return { kind: 'indexed', field: indexed, text: astring(reader.next('string')) };
  const address = ADDRESS[name];
  if (address) return { kind: 'address', field: address, text: astring(reader.next('string')) };
  const date = DATE_KEYS[name];
  if (date) return { kind: 'date', ...date, day: searchDate(reader.next('date')) };
  switch (name) {
    case 'ALL':
      return { kind: 'all' };
    case 'RECENT':
      return { kind: 'recent' };
    case 'NEW':
      return { kind: 'new' };
    case 'OLD':
      return { kind: 'old' };
    case 'KEYWORD':
    case 'UNKEYWORD': {
      const parsed = flagKeyword(reader.next('keyword'));
      const set = name === 'KEYWORD';
      return 'flag' in parsed ? { kind: 'flag', flag: parsed.flag, set } : { kind: 'keyword', keyword: parsed.keyword, set };
    }
    case 'HEADER': {
      const field = astring(reader.next('header field name')).toLowerCase();
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) throw new IMAPSyntaxError('Invalid header field name');
      return { kind: 'header', field, text: astring(reader.next('string')) };
    }
    case 'BODY':
      return { kind: 'body', text: astring(reader.next('string')) };
    case 'TEXT':
      return { kind: 'text', text: astring(reader.next('string')) };
    case 'LARGER':
      return { kind: 'size', op: 'larger', size: numberArg(reader.next('number')) };
    case 'SMALLER':
      return { kind: 'size', op: 'smaller', size: numberArg(reader.next('number')) };
    case 'UID':
      return { kind: 'uid', set: sequenceSet(reader.next('UID set')) };
    case 'NOT':
      return { kind: 'not', key: readKey(reader, depth + 1) };
    case 'OR': {
      const left = readKey(reader, depth + 1);
      return { kind: 'or', left, right: readKey(reader, depth + 1) };
    }
    case 'MODSEQ': {
      // MODSEQ [entry-name entry-type] mod-sequence-valzer: the entry (a per-flag MODSEQ) is read and ignored, as one MODSEQ covers all flags here.
      const first = reader.next('mod-sequence');
      if (first.type === 'string' || (first.type === 'atom' && reader.peek()?.type === 'atom')) {
        reader.next('entry type');
        return { kind: 'modseq', modseq: numberArg(reader.next('mod-sequence')) };
      }
      return { kind: 'modseq', modseq: numberArg(first) };
    }
    default:
      throw new IMAPSyntaxError(`Unknown SEARCH key ${name.slice(0, 40)}`);
  }
}

function readReturn(value: IMAPValue): ReturnOption[] {
  const options: ReturnOption[] = [];
  for (const item of list(value)) {
    const name = keyword(item);
    if (name !== 'MIN' && name !== 'MAX' && name !== 'ALL' && name !== 'COUNT') throw new IMAPSyntaxError(`Unknown SEARCH RETURN option ${name.slice(0, 40)}`);
    if (!options.includes(name)) options.push(name);
  }
  return options;
}

/** SEARCH's arguments: `[RETURN (…)] [CHARSET name] key…`. */
export function parseSearch(args: readonly IMAPValue[]): SearchQuery {
  const reader = new Reader(args);
  let returnOptions: ReturnOption[] | undefined;
  const first = reader.peek();
  if (first?.type === 'atom' && first.value.toUpperCase() === 'RETURN') {
    reader.next('RETURN');
    returnOptions = readReturn(reader.next('RETURN options'));
  }
  const maybeCharset = reader.peek();
  if (maybeCharset?.type === 'atom' && maybeCharset.value.toUpperCase() === 'CHARSET') {
    reader.next('CHARSET');
    if (!SUPPORTED_CHARSETS.has(astring(reader.next('charset')).toUpperCase())) throw new BadCharsetError();
  }
  const keys: SearchKey[] = [];
  while (!reader.done) keys.push(readKey(reader, 0));
  if (keys.length === 0) throw new IMAPSyntaxError('SEARCH needs at least one key');
  return { key: keys.length === 1 ? keys[0]! : { kind: 'and', keys }, ...(returnOptions ? { returnOptions } : {}) };
}

/** Whether a query reads anything beyond the message row (header bytes or body text). */
export function searchNeeds(key: SearchKey): { searchText: boolean; header: boolean; modseq: boolean } {
  const needs = { searchText: false, header: false, modseq: false };
  const visit = (k: SearchKey): void => {
    switch (k.kind) {
      case 'body':
        needs.searchText = true;
        return;
      case 'text':
        needs.searchText = true;
        needs.header = true;
        return;
      case 'header':
        needs.header = true;
        return;
      case 'modseq':
        needs.modseq = true;
        return;
      case 'not':
        visit(k.key);
        return;
      case 'or':
        visit(k.left);
        visit(k.right);
        return;
      case 'and':
        k.keys.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(key);
  return needs;
}
