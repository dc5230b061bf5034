// Turns a command's sequence set into the UIDs of the selected view: message numbers are checked against EXISTS, UIDs are matched.
import { IMAPSyntaxError } from '../../proto/imap/imap-syntax-error.js';
import type { SequenceSet } from '../../proto/imap/sequence-set.js';
import type { SelectedMailbox } from './selected-mailbox.js';

/**
 * The UIDs a set names, in sequence order. A message number above EXISTS (or any number in an
 * empty mailbox) is a BAD (RFC 9051 §6.4: "invalid message sequence number"); a UID set names
 * whatever messages it matches, possibly none (RFC 3501 §6.4.8).
 */
export function resolveMessageSet(view: SelectedMailbox, set: SequenceSet, options: { uid: boolean }): number[] {
  if (!options.uid) {
    const exists = view.exists;
    for (const { start, end } of set) {
      for (const n of [start, end]) {
        if (n === '*' ? exists === 0 : n > exists) throw new IMAPSyntaxError('Invalid message sequence number');
      }
    }
  }
  return view.resolve(set, options);
}

/** Whether a UID (possibly no longer in the mailbox: VANISHED) falls in a UID set; `*` is open-ended. */
export function uidInSet(uid: number, set: SequenceSet): boolean {
  return set.some(({ start, end }) => {
    const a = start === '*' ? Number.MAX_SAFE_INTEGER : start;
    const b = end === '*' ? Number.MAX_SAFE_INTEGER : end;
    return uid >= Math.min(a, b) && uid <= Math.max(a, b);
  });
}
