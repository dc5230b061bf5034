// IMAP flags as Mailward stores them: five system flags as columns, keywords as a space-separated list.
import { MailwardError } from '../errors/index.js';
import type { FlagColumns } from '../store/index.js';

export interface MessageFlags {
  seen?: boolean;
  answered?: boolean;
  flagged?: boolean;
  deleted?: boolean;
  draft?: boolean;
  keywords?: string[];
}

/** RFC 3501 flag-keyword: an atom without the characters IMAP reserves. */
const KEYWORD = /^[^\s(){%*"\\\]\u0000-\u001f\u007f]{1,100}$/;

export function isValidKeyword(keyword: string): boolean {
  return KEYWORD.test(keyword) && !keyword.startsWith('\\');
}

export function flagColumns(flags: MessageFlags = {}): FlagColumns {
  const keywords = [...new Set((flags.keywords ?? []).filter(isValidKeyword))];
  return {
    seen: flags.seen ? 1 : 0,
    answered: flags.answered ? 1 : 0,
    flagged: flags.flagged ? 1 : 0,
    deleted: flags.deleted ? 1 : 0,
    draft: flags.draft ? 1 : 0,
    keywords: keywords.join(' '),
  };
}

export type FlagChangeMode = 'add' | 'remove' | 'replace';

/** The flags of a row as a list (the five system flags, then keywords). */
export function flagsOf(row: FlagColumns): MessageFlags & { keywords: string[] } {
  return {
    seen: row.seen === 1,
    answered: row.answered === 1,
    flagged: row.flagged === 1,
    deleted: row.deleted === 1,
    draft: row.draft === 1,
    keywords: row.keywords === '' ? [] : row.keywords.split(' '),
  };
}

const SYSTEM_FLAGS = ['seen', 'answered', 'flagged', 'deleted', 'draft'] as const;

/** Keywords per message; a client cannot grow a row without bound. */
export const MAX_KEYWORDS_PER_MESSAGE = 100;

/** The flag columns after a STORE-like change; LIMIT past MAX_KEYWORDS_PER_MESSAGE. */
export function applyFlags(current: FlagColumns, mode: FlagChangeMode, change: MessageFlags): FlagColumns {
  const next = { ...current };
  const keywords = new Set(current.keywords === '' ? [] : current.keywords.split(' '));
  const given = (change.keywords ?? []).filter(isValidKeyword);
  if (mode === 'replace') {
    for (const flag of SYSTEM_FLAGS) next[flag] = change[flag] ? 1 : 0;
    keywords.clear();
    for (const k of given) keywords.add(k);
  } else {
    const value = mode === 'add' ? 1 : 0;
    for (const flag of SYSTEM_FLAGS) if (change[flag]) next[flag] = value;
    for (const keyword of given) {
      // Keywords compare case-insensitively (RFC 3501 §2.3.2): remove any spelling, add once.
      const existing = [...keywords].find((k) => k.toLowerCase() === keyword.toLowerCase());
      if (mode === 'add' && existing === undefined) keywords.add(keyword);
      if (mode === 'remove' && existing !== undefined) keywords.delete(existing);
    }
  }
  if (keywords.size > MAX_KEYWORDS_PER_MESSAGE) throw new MailwardError('LIMIT', { message: `At most ${MAX_KEYWORDS_PER_MESSAGE} keywords per message` });
  next.keywords = [...keywords].join(' ');
  return next;
}

export function sameFlags(a: FlagColumns, b: FlagColumns): boolean {
  return SYSTEM_FLAGS.every((f) => a[f] === b[f]) && a.keywords === b.keywords;
}
