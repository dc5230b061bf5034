// SEARCH and UID SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4, ESEARCH of RFC 4731, MODSEQ of RFC 7162): indexed columns first, message bytes only when a key needs them.
import type { MessageMetaRow } from '../../../mailbox/index.js';
import { fullBodyText, MAX_SEARCH_TEXT } from '../../../mailbox/index.js';
import type { Address, Envelope, MIMEPart } from '../../../mailbox/mime/index.js';
import { decodeHeaderValue, MISSING_DOMAIN, MISSING_MAILBOX, readHeaderBlock } from '../../../mailbox/mime/index.js';
import type { SearchRequest } from '../../../proto/imap/commands/search.js';
import type { SearchKey } from '../../../proto/imap/commands/search-query.js';
import { SEARCH_CHARSETS, searchNeeds } from '../../../proto/imap/commands/search-query.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import * as grammar from '../../../proto/imap/commands/search.js';
import { enableCondstore } from '../condstore.js';
import { expungedMeanwhile } from '../expunged-meanwhile.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import type { SelectedMailbox } from '../selected-mailbox.js';

const BATCH = 500;
const DAY_MS = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Search text is lower-cased with whitespace runs as one space; a needle is normalized the same way. */
function needle(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ');
}

/** The day the Date header names in its own zone (RFC 3501: SENT* disregard time and timezone); the UTC day as a fallback. */
function sentDay(row: MessageMetaRow, envelopeDate: string | null): number | null {
  const match = envelopeDate ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(envelopeDate) : null;
  if (match) {
    const month = MONTHS.indexOf(match[2]!.toLowerCase());
    let year = Number(match[3]);
    if (year < 50) year += 2000;
    else if (year < 1000) year += 1900;
    if (month >= 0) return Date.UTC(year, month, Number(match[1])) / DAY_MS;
  }
  return row.sent_date === null ? null : Math.floor(row.sent_date / DAY_MS);
}

function compareDay(day: number | null, op: 'before' | 'on' | 'since', wanted: number): boolean {
  if (day === null) return false;
  return op === 'before' ? day < wanted : op === 'on' ? day === wanted : day >= wanted;
}

/**
 * The envelope's addresses as one searchable text: each one's decoded name, route, and
 * mailbox@host (a group's name alone), so FROM, TO, CC and BCC find a substring of any part of an
 * address (RFC 3501 §6.4.4: the envelope structure's field), whatever comments the header held.
 */
function addressText(addresses: readonly Address[] | null): string {
  const parts: string[] = [];
  for (const { name, adl, mailbox, host } of addresses ?? []) {
    if (name !== null) parts.push(decodeHeaderValue(name));
    if (adl) parts.push(adl);
    const local = mailbox === MISSING_MAILBOX ? '' : (mailbox ?? '');
    if (host === null) parts.push(local);
    else parts.push(`${local}@${host === MISSING_DOMAIN ? '' : host}`);
  }
  return needle(parts.join(' '));
}

/** The UIDs a UID or sequence-set key names, resolved once per key against the view. */
const members = new WeakMap<SearchKey, Set<number>>();
function setMembers(view: SelectedMailbox, key: Extract<SearchKey, { kind: 'uid' | 'seq' }>): Set<number> {
  let set = members.get(key);
  if (!set) {
    set = new Set(view.resolve(key.set, { uid: key.kind === 'uid' }));
    members.set(key, set);
  }
  return set;
}

/** One message under evaluation; the header and body are read at most once, and only when a key asks. */
class Candidate {
  #structure: { root: MIMEPart; envelope: Envelope } | undefined;
  #raw: Promise<Buffer> | undefined;
  #header: Promise<Array<{ name: string; value: string }>> | undefined;

  constructor(
    readonly context: IMAPCommandContext,
    private readonly view: SelectedMailbox,
    readonly row: MessageMetaRow & { search_text?: string },
  ) {}

  get structure(): { root: MIMEPart; envelope: Envelope } {
    this.#structure ??= JSON.parse(this.row.structure) as { root: MIMEPart; envelope: Envelope };
    return this.#structure;
  }

  raw(): Promise<Buffer> {
    this.#raw ??= this.context.deps.mailboxes.body(this.row.blob_id);
    return this.#raw;
  }

  header(): Promise<Array<{ name: string; value: string }>> {
    this.#header ??= (async () => {
      const { root } = this.structure;
      const stream = await this.context.deps.mailboxes.bodyStream(this.row.blob_id, { start: root.headerStart, end: root.headerEnd });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return readHeaderBlock(Buffer.concat(chunks), 0).fields.map((f) => ({ name: f.name.toLowerCase(), value: needle(decodeHeaderValue(f.value)) }));
    })();
    return this.#header;
  }

  async matches(key: SearchKey): Promise<boolean> {
    const { row, view } = this;
    switch (key.kind) {
      case 'all':
        return true;
      case 'flag':
        return (row[key.flag] === 1) === key.set;
      case 'keyword': {
        const wanted = key.keyword.toLowerCase();
        const has = row.keywords !== '' && row.keywords.split(' ').some((k) => k.toLowerCase() === wanted);
        return has === key.set;
      }
      case 'recent':
        return view.isRecent(row.uid);
      case 'new':
        return view.isRecent(row.uid) && row.seen === 0;
      case 'old':
        return !view.isRecent(row.uid);
      case 'indexed':
        return needle(row.subject).includes(needle(key.text));
      case 'address': {
        const text = needle(key.text);
        // The decoded header on the row answers most searches without parsing the structure (a match in its comments counts too).
        const column = key.field === 'from' ? row.from_text : key.field === 'to' ? row.to_text : key.field === 'cc' ? row.cc_text : '';
        return needle(column).includes(text) || addressText(this.structure.envelope[key.field]).includes(text);
      }
      case 'header': {
        const text = needle(key.text);
        return (await this.header()).some((f) => f.name === key.field && f.value.includes(text));
      }
      case 'body':
        return this.#bodyContains(needle(key.text));
      case 'text': {
        const text = needle(key.text);
        if ((await this.header()).some((f) => f.value.includes(text) || f.name.includes(text))) return true;
        return this.#bodyContains(text);
      }
      case 'date':
        return compareDay(key.of === 'internal' ? Math.floor(row.internal_date / DAY_MS) : sentDay(row, this.structure.envelope.date), key.op, key.day);
      case 'size':
        return key.op === 'larger' ? row.size > key.size : row.size < key.size;
      case 'uid':
      case 'seq':
        return setMembers(view, key).has(row.uid);
      case 'modseq':
        return row.modseq >= key.modseq;
      case 'not':
        return !(await this.matches(key.key));
      case 'or':
        return (await this.matches(key.left)) || this.matches(key.right);
      case 'and':
        for (const k of key.keys) if (!(await this.matches(k))) return false;
        return true;
    }
  }

  /**
   * The index holds the first 64 KiB of decoded headers and text. It decides alone when it has no
   * match and was not cut; a match there is confirmed against the body alone (the index also holds
   * some headers), as is any message whose index was cut.
   */
  async #bodyContains(text: string): Promise<boolean> {
    const index = this.row.search_text ?? '';
    const cut = index.length >= MAX_SEARCH_TEXT - 1024;
    if (!cut && !index.includes(text)) return false;
    return fullBodyText(await this.raw(), this.structure.root).includes(text);
  }
}

interface Found {
  uid: number;
  seq: number;
  modseq: number;
}

/** Whether the message matches; a message whose body went with another session's expunge while it was read matches nothing. */
async function matchesUnlessExpunged(candidate: Candidate, key: SearchKey): Promise<boolean> {
  try {
    return await candidate.matches(key);
  } catch (error) {
    if (await expungedMeanwhile(candidate.context, candidate.row.uid, error)) return false;
    throw error;
  }
}

async function evaluate(context: IMAPCommandContext, view: SelectedMailbox, key: SearchKey): Promise<Found[]> {
  const needs = searchNeeds(key);
  const uids = view.allUids();
  const found: Found[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const rows = needs.searchText ? await context.deps.mailboxes.messages(view.mailbox.id, batch) : await context.deps.mailboxes.messageMeta(view.mailbox.id, batch);
    for (const row of rows) {
      const seq = view.seqOf(row.uid);
      if (seq === undefined || view.isExpungedElsewhere(row.uid)) continue;
      if (await matchesUnlessExpunged(new Candidate(context, view, row), key)) found.push({ uid: row.uid, seq, modseq: row.modseq });
    }
  }
  return found;
}

async function search(context: IMAPCommandContext, request: SearchRequest): Promise<CommandResult> {
  const { session } = context;
  const view = session.selected!;
  if (!('query' in request)) return { status: 'NO', code: { name: 'BADCHARSET', args: [{ list: SEARCH_CHARSETS.map((atom) => ({ atom })) }] }, text: 'Supported charsets: UTF-8, US-ASCII' };
  const { query, uid: uidCommand } = request;
  const needs = searchNeeds(query.key);
  if (needs.modseq) await enableCondstore(context);
  const found = await evaluate(context, view, query.key);
  const numbers = found.map((f) => (uidCommand ? f.uid : f.seq));
  const highest = (messages: readonly Found[]): number | undefined => (needs.modseq && messages.length > 0 ? messages.reduce((max, f) => Math.max(max, f.modseq), 0) : undefined);
  const highestModseq = highest(found);
  // IMAP4rev2 answers every SEARCH with ESEARCH (RFC 9051 §7.3.4); so does RETURN (RFC 4731).
  const esearch = query.returnOptions !== undefined || session.enabled.has('IMAP4REV2');
  if (!esearch) {
    const values: ResponseValue[] = [{ atom: 'SEARCH' }, ...numbers];
    if (highestModseq !== undefined) values.push({ list: [{ atom: 'MODSEQ' }, highestModseq] });
    await context.write(untaggedData(values));
    return { text: `${request.name} completed` };
  }
  const options = query.returnOptions === undefined || query.returnOptions.length === 0 ? ['ALL'] : query.returnOptions;
  const values: ResponseValue[] = [{ atom: 'ESEARCH' }, { list: [{ atom: 'TAG' }, { string: request.tag }] }];
  if (uidCommand) values.push({ atom: 'UID' });
  if (options.includes('MIN') && numbers.length > 0) values.push({ atom: 'MIN' }, numbers[0]!);
  if (options.includes('MAX') && numbers.length > 0) values.push({ atom: 'MAX' }, numbers[numbers.length - 1]!);
  // RFC 4731 §3.1: ALL is left out when nothing matched.
  if (options.includes('ALL') && numbers.length > 0) values.push({ atom: 'ALL' }, { atom: formatUids(numbers) });
  if (options.includes('COUNT')) values.push({ atom: 'COUNT' }, numbers.length);
  // RFC 4731 §3.2: with only MIN and MAX asked, MODSEQ is the highest of the messages returned, not of every match.
  const returned = options.includes('ALL') || options.includes('COUNT') ? found : [...new Set([options.includes('MIN') ? found[0] : undefined, options.includes('MAX') ? found[found.length - 1] : undefined])].filter((f) => f !== undefined);
  const returnedModseq = highest(returned);
  if (returnedModseq !== undefined) values.push({ atom: 'MODSEQ' }, returnedModseq);
  await context.write(untaggedData(values));
  return { text: `${request.name} completed` };
}

export const SEARCH: IMAPOp<SearchRequest> = { grammar: grammar.SEARCH, states: SELECTED, allowExpungeUpdates: false, run: search };
export const UID_SEARCH: IMAPOp<SearchRequest> = { grammar: grammar.UID_SEARCH, states: SELECTED, allowExpungeUpdates: true, run: search };
