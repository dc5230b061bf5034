// The untagged responses that tell a session what changed in its selected mailbox (RFC 3501 §7.3, §7.4; VANISHED of RFC 7162 §3.2.10).
import type { ResponseValue } from '../../proto/imap/imap-response.js';
import { untaggedData } from '../../proto/imap/imap-response.js';
import { formatUids } from '../../proto/imap/sequence-set.js';
import { flagNames } from './flag-names.js';
import type { IMAPSession } from './imap-context.js';
import { keywordUpdate } from './mailbox-flags.js';
import type { MailboxUpdates, SelectedMailbox } from './selected-mailbox.js';

/** EXPUNGE (or VANISHED under QRESYNC), EXISTS and RECENT, then FETCH FLAGS of messages changed elsewhere (after FLAGS when they show a new keyword), in that order. */
export function updateResponses(session: IMAPSession, selected: SelectedMailbox, updates: MailboxUpdates): Buffer[] {
  const out: Buffer[] = [];
  const rev2 = session.enabled.has('IMAP4REV2');
  if (session.enabled.has('QRESYNC') && updates.expunged.length > 0) {
    out.push(untaggedData([{ atom: 'VANISHED' }, { atom: formatUids(updates.expunged.map((e) => e.uid)) }]));
  } else {
    for (const { seq } of updates.expunged) out.push(untaggedData([seq, { atom: 'EXPUNGE' }]));
  }
  if (updates.exists !== undefined) {
    out.push(untaggedData([updates.exists, { atom: 'EXISTS' }]));
    if (!rev2) out.push(untaggedData([updates.recent ?? 0, { atom: 'RECENT' }]));
  }
  out.push(...keywordUpdate(selected, updates.flagChanges.map((change) => change.row)));
  for (const { seq, row } of updates.flagChanges) {
    // \Recent does not exist in IMAP4rev2 (RFC 9051 §2.3.2): a rev2 session is never shown it.
    const recent = selected.isRecent(row.uid) && !rev2;
    const items: ResponseValue[] = [{ atom: 'FLAGS' }, { list: flagNames(row, { recent }).map((atom) => ({ atom })) }, { atom: 'UID' }, row.uid];
    if (session.condstore) items.push({ atom: 'MODSEQ' }, { list: [row.modseq] });
    out.push(untaggedData([seq, { atom: 'FETCH' }, { list: items }]));
  }
  return out;
}
