// The search index's reads and writes: on SQLite the trigram FTS5 table message_search, on PostgreSQL a trigram signature on each message row (see migration 0018).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { NewMessageRow, Tables } from '../schema.js';
import { signatureOf, termsOf } from './search-signature.js';

/** Trigrams asked per needle: any subset finds every message the whole set finds, and a few dozen already narrow well. */
const MAX_TRIGRAMS = 48;
/** Index terms a needle of one or two characters may expand to before it is not worth asking. */
const MAX_PREFIX_TERMS = 4000;

/** A string as an FTS5 query string (double quotes doubled). */
function quoted(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The first string after every string that starts with `prefix`, in the index's (UTF-8 byte, so code point) order. */
function prefixEnd(prefix: string): string | undefined {
  const chars = [...prefix];
  const last = chars.pop()!.codePointAt(0)!;
  // No next character, or the next would be a lone surrogate (not valid UTF-8).
  if (last === 0x10ffff || last === 0xd7ff) return undefined;
  return chars.join('') + String.fromCodePoint(last + 1);
}

/**
 * What to ask the index for a lower-cased needle with whitespace runs as one space: the trigrams
 * of the needle trimmed (all must be present), or for two characters the index terms that start
 * with them (any may be). Undefined when that leaves one character or none.
 *
 * Why a trimmed needle's trigrams are all in the text of a message that holds the needle: the index
 * holds each text part with whitespace runs as one space, lower-cased, exactly as the text SEARCH
 * confirms against, except that each part is trimmed and parts are joined by a newline (and the
 * text ends with one). A match lies within one part (a needle has no newline); trimmed, it lies
 * within that part's trimmed text; and each of its characters is followed there by another (the
 * newline at the end at worst), so a two-character needle starts some trigram.
 */
export function planNeedle(needle: string): { trigrams: string[] } | { prefix: string } | undefined {
  const chars = [...needle.trim()];
  if (chars.length === 2) return { prefix: chars.join('') };
  const trigrams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) trigrams.add(chars.slice(i, i + 3).join(''));
  if (trigrams.size === 0) return undefined;
  const all = [...trigrams];
  // Spread over the needle rather than only its start.
  const step = Math.max(1, all.length / MAX_TRIGRAMS);
  const picked: string[] = [];
  for (let i = 0; i < all.length && picked.length < MAX_TRIGRAMS; i += step) picked.push(all[Math.floor(i)]!);
  return { trigrams: picked };
}

/** What a message row holds of the index: its FTS5 document (SQLite) or its signature (PostgreSQL). */
export type SearchColumns = Pick<NewMessageRow, 'search_doc' | 'search_sig'>;

export interface SearchIndex {
  /**
   * Indexes a message text (lower-cased, see buildSearchIndex) and returns what its message rows
   * hold of it. Call inside the transaction that inserts the rows.
   */
  add(text: string): Promise<SearchColumns>;
  /**
   * The UIDs of a mailbox's messages that may contain a lower-cased needle in their indexed text
   * (every message without a document or signature included); undefined when the index cannot
   * narrow the search (a needle of one character). A UID left out surely lacks the needle.
   */
  candidates(mailboxId: number, needle: string): Promise<Set<number> | undefined>;
}

function createSignatureIndex(db: Kysely<Tables>): SearchIndex {
  return {
    add: async (text) => ({ search_sig: signatureOf(termsOf(text)) }),
    async candidates(mailboxId, needle) {
      const plan = planNeedle(needle);
      if (!plan) return undefined;
      const mask = signatureOf('trigrams' in plan ? plan.trigrams : [plan.prefix]);
      const rows = await sql<{ uid: number }>`select uid from messages where mailbox_id = ${mailboxId}
        and (search_sig is null or search_sig & ${mask}::bit(4096) = ${mask}::bit(4096))`.execute(db);
      return new Set(rows.rows.map((r) => Number(r.uid)));
    },
  };
}

export function createSearchIndex(db: Kysely<Tables>, traits: DialectTraits): SearchIndex {
  if (traits.name !== 'sqlite') return createSignatureIndex(db);
  return {
    async add(text) {
      // A newline at the end gives every character of the text a trigram that starts with it (one-
      // and two-character needles are looked up by that prefix).
      const result = await sql`insert into message_search (text) values (${`${text}\n`})`.execute(db);
      return { search_doc: Number(result.insertId) };
    },
    async candidates(mailboxId, needle) {
      const plan = planNeedle(needle);
      if (!plan) return undefined;
      let match: string;
      if ('trigrams' in plan) match = plan.trigrams.map(quoted).join(' AND ');
      else {
        const end = prefixEnd(plan.prefix);
        if (end === undefined) return undefined;
        const terms = await sql<{ term: string }>`select term from message_search_terms where term >= ${plan.prefix} and term < ${end} limit ${MAX_PREFIX_TERMS + 1}`.execute(db);
        if (terms.rows.length > MAX_PREFIX_TERMS) return undefined;
        if (terms.rows.length === 0) match = '';
        else match = terms.rows.map((r) => quoted(r.term)).join(' OR ');
      }
      const rows =
        match === ''
          ? await sql<{ uid: number }>`select uid from messages where mailbox_id = ${mailboxId} and search_doc is null`.execute(db)
          : await sql<{ uid: number }>`select uid from messages where mailbox_id = ${mailboxId}
              and (search_doc is null or search_doc in (select rowid from message_search where message_search match ${match}))`.execute(db);
      return new Set(rows.rows.map((r) => Number(r.uid)));
    },
  };
}
