// The FLAGS and PERMANENTFLAGS a session is told of (RFC 3501 §7.2.6, §7.1; RFC 9051 §7.3.5): the system flags and the keywords in use, said again before a response uses a keyword the session was not told of.
import { untagged, untaggedData } from '../../proto/imap/imap-response.js';
import type { SelectedMailbox } from './selected-mailbox.js';

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** `* FLAGS (…)` and `* OK [PERMANENTFLAGS (…)]`: none permanent in a read-only mailbox, any new keyword (`\*`) otherwise. */
export function flagsResponses(keywords: readonly string[], options: { readOnly: boolean }): Buffer[] {
  return [
    untaggedData([{ atom: 'FLAGS' }, { list: [...SYSTEM_FLAGS, ...keywords].map((atom) => ({ atom })) }]),
    untagged('OK', options.readOnly ? 'No permanent flags permitted' : 'Flags permitted', {
      code: { name: 'PERMANENTFLAGS', args: [{ list: options.readOnly ? [] : [...SYSTEM_FLAGS, ...keywords, '\\*'].map((atom) => ({ atom })) }] },
    }),
  ];
}

/** The keywords of stored flag rows (a space-separated column). */
function keywordsOf(rows: Iterable<{ keywords: string }>): string[] {
  const out: string[] = [];
  for (const row of rows) if (row.keywords !== '') out.push(...row.keywords.split(' '));
  return out;
}

/**
 * FLAGS and PERMANENTFLAGS again, to be sent before the responses that show these rows' flags, when
 * they hold a keyword the session was not told of (its own STORE or another session's); nothing
 * otherwise. A client may not see a keyword in FETCH before FLAGS lists it.
 */
export function keywordUpdate(view: SelectedMailbox, rows: Iterable<{ keywords: string }>): Buffer[] {
  return view.learnKeywords(keywordsOf(rows)) ? flagsResponses(view.keywords, { readOnly: view.readOnly }) : [];
}
