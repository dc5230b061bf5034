// IMAP flags as Mailward stores them: five system flags as columns, keywords as a space-separated list.
import { MailwardError } from '../errors/index.js';
import type { FlagColumns, MessageFlagsRow, Repositories } from '../store/index.js';

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
  // The flag columns only, whatever else the row carries.
  const next: FlagColumns = { seen: current.seen, answered: current.answered, flagged: current.flagged, deleted: current.deleted, draft: current.draft, keywords: current.keywords };
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

/**
 * A STORE-like change of these messages inside a transaction, with one new MODSEQ for all that
 * change (0 when none does). With `unchangedSince`, a message whose MODSEQ is higher is left alone
 * and reported as modified (CONDSTORE, RFC 7162 §3.1.3).
 */
export async function changeFlags(
  tx: Repositories,
  mailboxId: number,
  uids: readonly number[],
  change: { mode: FlagChangeMode; flags: MessageFlags; unchangedSince?: number; now: number },
): Promise<{ modseq: number; messages: MessageFlagsRow[]; modified: number[] }> {
  const rows = await tx.mail.findMessageFlagsByUids(mailboxId, uids);
  const modified: number[] = [];
  const pending: Array<{ row: MessageFlagsRow; next: FlagColumns }> = [];
  for (const row of rows) {
    if (change.unchangedSince !== undefined && row.modseq > change.unchangedSince) {
      modified.push(row.uid);
      continue;
    }
    const next = applyFlags(row, change.mode, change.flags);
    if (!sameFlags(row, next)) pending.push({ row, next });
  }
  const modseq = pending.length > 0 ? await tx.mail.nextModseq(mailboxId) : 0;
  if (pending.length > 0) await tx.mail.setFlagsOfMessages(mailboxId, pending.map(({ row, next }) => ({ uid: row.uid, flags: next })), modseq, change.now);
  const changed = new Map(pending.map((p) => [p.row.uid, p.next]));
  const messages = rows
    .filter((r) => !modified.includes(r.uid))
    .map((r): MessageFlagsRow => {
      const next = changed.get(r.uid);
      const flags = next ?? r;
      return { uid: r.uid, modseq: next ? modseq : r.modseq, seen: flags.seen, answered: flags.answered, flagged: flags.flagged, deleted: flags.deleted, draft: flags.draft, keywords: flags.keywords };
    });
  return { modseq, messages, modified };
}
