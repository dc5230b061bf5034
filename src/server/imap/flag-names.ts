// A message's flags as IMAP responses name them (RFC 3501 §2.3.2), from the store's flag columns.

/** Flags as IMAP writes them: system flags first, then keywords. */
export function flagNames(row: { seen: number; answered: number; flagged: number; deleted: number; draft: number; keywords: string }, options: { recent?: boolean } = {}): string[] {
  const out: string[] = [];
  if (row.seen) out.push('\\Seen');
  if (row.answered) out.push('\\Answered');
  if (row.flagged) out.push('\\Flagged');
  if (row.deleted) out.push('\\Deleted');
  if (row.draft) out.push('\\Draft');
  if (options.recent) out.push('\\Recent');
  if (row.keywords !== '') out.push(...row.keywords.split(' '));
  return out;
}
