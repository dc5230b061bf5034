// The webmail's search box: "from:ann subject:"q3 report" since:2024-01-01 words" matched as IMAP SEARCH matches (indexed columns first, message bytes only to confirm a body match).
import type { MessageMetaRow, Mailboxes } from './mailboxes.js';
import type { MIMEPart } from './mime/index.js';
import { fullBodyText } from './search-text.js';

export interface MessageSearch {
  from: string[];
  to: string[];
  subject: string[];
  body: string[];
  /** Bare words: in the sender, recipients, subject or body. */
  text: string[];
  /** Epoch ms of a UTC day: received on or after it. */
  since?: number;
  /** Epoch ms of a UTC day: received before it. */
  before?: number;
}

/** Rows read per round trip; a search over 10,000 messages is 20 reads of narrow rows. */
const BATCH = 500;
/** Terms per query: a pasted essay must not become thousands of passes over the mailbox. */
const MAX_TERMS = 20;
/** Bodies up to this size are read a batch at a time; a larger one alone, when a term needs it. */
const PREFETCH_MAX_BYTES = 256 * 1024;

/** Lower-cased with whitespace runs as one space, as the search text is stored (see search-text.ts). */
function needle(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function day(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(time) ? time : undefined;
}

/** Reads the search box; unknown `key:` prefixes are plain words, so an address with a colon still searches. */
export function parseMessageSearch(q: string): MessageSearch {
  const out: MessageSearch = { from: [], to: [], subject: [], body: [], text: [] };
  const tokens = q.matchAll(/(?:([a-z]+):)?(?:"([^"]*)"|(\S+))/gi);
  let count = 0;
  for (const [, key, quoted, bare] of tokens) {
    if (++count > MAX_TERMS) break;
    const value = needle(quoted ?? bare ?? '');
    const field = key?.toLowerCase();
    if (value === '') continue;
    if (field === 'from' || field === 'to' || field === 'subject' || field === 'body') out[field].push(value);
    else if (field === 'since' || field === 'before') {
      const time = day(value);
      if (time !== undefined) out[field] = time;
      else out.text.push(needle(`${key}:${value}`));
    } else out.text.push(needle(key ? `${key}:${value}` : value));
  }
  return out;
}

/** For each body or bare-word term, the UIDs the search index says may hold it; a term without an entry reads every body. */
type Prefilter = Map<string, Set<number>>;

/** The search index rules out the messages that surely lack the text; any other body is read and decides exactly. */
async function bodyContains(mailboxes: Mailboxes, row: MessageMetaRow, text: string, prefilter: Prefilter, cache: { raw?: Buffer; body?: string }): Promise<boolean> {
  const maybe = prefilter.get(text);
  if (maybe && !maybe.has(row.uid)) return false;
  if (cache.body === undefined) {
    const root = (JSON.parse(row.structure) as { root: MIMEPart }).root;
    cache.body = fullBodyText(cache.raw ?? (await mailboxes.body(row.blob_id)), root);
  }
  return cache.body.includes(text);
}

async function matches(mailboxes: Mailboxes, row: MessageMetaRow, search: MessageSearch, prefilter: Prefilter, raw: Buffer | undefined): Promise<boolean> {
  if (search.since !== undefined && row.internal_date < search.since) return false;
  if (search.before !== undefined && row.internal_date >= search.before) return false;
  const from = needle(row.from_text);
  const to = needle(`${row.to_text} ${row.cc_text}`);
  const subject = needle(row.subject);
  if (!search.from.every((t) => from.includes(t))) return false;
  if (!search.to.every((t) => to.includes(t))) return false;
  if (!search.subject.every((t) => subject.includes(t))) return false;
  const cache: { raw?: Buffer; body?: string } = raw ? { raw } : {};
  for (const t of search.body) if (!(await bodyContains(mailboxes, row, t, prefilter, cache))) return false;
  for (const t of search.text) {
    if (from.includes(t) || to.includes(t) || subject.includes(t)) continue;
    if (!(await bodyContains(mailboxes, row, t, prefilter, cache))) return false;
  }
  return true;
}

/** The messages of a mailbox that match, in UID order. */
export async function searchMailbox(mailboxes: Mailboxes, mailboxId: number, search: MessageSearch, options: { filter?: 'unread' | 'flagged' } = {}): Promise<MessageMetaRow[]> {
  const prefilter: Prefilter = new Map();
  for (const term of [...search.body, ...search.text]) {
    if (prefilter.has(term)) continue;
    const candidates = await mailboxes.searchCandidates(mailboxId, term);
    if (candidates) prefilter.set(term, candidates);
  }
  const uids = await mailboxes.uids(mailboxId);
  const found: MessageMetaRow[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const rows = await mailboxes.messageMeta(mailboxId, batch);
    // The small bodies a term may need, in one read per batch.
    const terms = [...search.body, ...search.text];
    const mayRead = (uid: number): boolean => terms.some((t) => prefilter.get(t)?.has(uid) ?? true);
    const reading = terms.length > 0 ? rows.filter((r) => r.size <= PREFETCH_MAX_BYTES && mayRead(r.uid)).map((r) => r.blob_id) : [];
    const bodies = reading.length > 0 ? await mailboxes.bodies(reading) : undefined;
    for (const row of rows) {
      if (options.filter === 'unread' && row.seen === 1) continue;
      if (options.filter === 'flagged' && row.flagged !== 1) continue;
      if (await matches(mailboxes, row, search, prefilter, bodies?.get(row.blob_id))) found.push(row);
    }
  }
  return found;
}
