// The webmail's search box: "from:ann subject:"q3 report" since:2024-01-01 words" matched as IMAP SEARCH matches (indexed columns first, message bytes only to confirm a body match).
import type { MessageMetaRow, Mailboxes } from './mailboxes.js';
import type { MIMEPart } from './mime/index.js';
import { fullBodyText, MAX_SEARCH_TEXT } from './search-text.js';

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

type Row = MessageMetaRow & { search_text?: string };

/**
 * The index holds the first 64 KiB of decoded headers and text: no match there decides, unless it
 * was cut; a match is confirmed against the body alone (the index also holds some headers).
 */
async function bodyContains(mailboxes: Mailboxes, row: Row, text: string, cache: { body?: string }): Promise<boolean> {
  const index = row.search_text ?? '';
  const cut = index.length >= MAX_SEARCH_TEXT - 1024;
  if (!cut && !index.includes(text)) return false;
  if (cache.body === undefined) {
    const root = (JSON.parse(row.structure) as { root: MIMEPart }).root;
    cache.body = fullBodyText(await mailboxes.body(row.blob_id), root);
  }
  return cache.body.includes(text);
}

async function matches(mailboxes: Mailboxes, row: Row, search: MessageSearch): Promise<boolean> {
  if (search.since !== undefined && row.internal_date < search.since) return false;
  if (search.before !== undefined && row.internal_date >= search.before) return false;
  const from = needle(row.from_text);
  const to = needle(`${row.to_text} ${row.cc_text}`);
  const subject = needle(row.subject);
  if (!search.from.every((t) => from.includes(t))) return false;
  if (!search.to.every((t) => to.includes(t))) return false;
  if (!search.subject.every((t) => subject.includes(t))) return false;
  const cache: { body?: string } = {};
  for (const t of search.body) if (!(await bodyContains(mailboxes, row, t, cache))) return false;
  for (const t of search.text) {
    if (from.includes(t) || to.includes(t) || subject.includes(t)) continue;
    if (!(await bodyContains(mailboxes, row, t, cache))) return false;
  }
  return true;
}

/** The messages of a mailbox that match, in UID order. */
export async function searchMailbox(mailboxes: Mailboxes, mailboxId: number, search: MessageSearch, options: { filter?: 'unread' | 'flagged' } = {}): Promise<MessageMetaRow[]> {
  const needsText = search.body.length > 0 || search.text.length > 0;
  const uids = await mailboxes.uids(mailboxId);
  const found: MessageMetaRow[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const rows: Row[] = needsText ? await mailboxes.messages(mailboxId, batch) : await mailboxes.messageMeta(mailboxId, batch);
    for (const row of rows) {
      if (options.filter === 'unread' && row.seen === 1) continue;
      if (options.filter === 'flagged' && row.flagged !== 1) continue;
      if (await matches(mailboxes, row, search)) found.push(row);
    }
  }
  return found;
}
