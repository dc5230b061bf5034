// EXPUNGE and UID EXPUNGE (RFC 3501 §6.4.3, RFC 4315 §2.1): remove \Deleted messages of this view and report them.
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { UidExpungeRequest } from '../../../proto/imap/commands/expunge.js';
import type { IMAPRequestBase } from '../../../proto/imap/commands/imap-command-spec.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import * as grammar from '../../../proto/imap/commands/expunge.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { resolveMessageSet } from '../message-set.js';
import type { SelectedMailbox } from '../selected-mailbox.js';

/** Sends `* n EXPUNGE` for each removed message (or one VANISHED under QRESYNC, RFC 7162 §3.2.10). */
export async function reportExpunged(context: IMAPCommandContext, view: SelectedMailbox, uids: readonly number[], modseq: number): Promise<void> {
  view.markOwn(modseq);
  const removed = view.removeOwn(uids);
  if (removed.length === 0) return;
  if (context.session.enabled.has('QRESYNC')) await context.write(untaggedData([{ atom: 'VANISHED' }, { atom: formatUids(removed.map((r) => r.uid)) }]));
  else await context.write(removed.map(({ seq }) => untaggedData([seq, { atom: 'EXPUNGE' }])));
}

async function expunge(context: IMAPCommandContext, request: IMAPRequestBase<'EXPUNGE'> | UidExpungeRequest): Promise<CommandResult> {
  const view = context.session.selected!;
  // Only messages this session knows: one another session added a moment ago stays until we have seen it.
  const uids = 'set' in request ? resolveMessageSet(view, request.set, { uid: true }) : [...view.allUids()];
  if (view.readOnly) return { status: 'NO', code: { name: 'READ-ONLY' }, text: 'The mailbox is read-only (EXAMINE)' };
  if (uids.length === 0) return { text: `${request.name} completed` };
  const result = await context.deps.mailboxes.expunge(view.mailbox.id, { uids });
  await reportExpunged(context, view, result.uids, result.modseq);
  return context.session.condstore && result.modseq > 0 ? { code: { name: 'HIGHESTMODSEQ', args: [result.modseq] }, text: `${request.name} completed` } : { text: `${request.name} completed` };
}

export const EXPUNGE: IMAPOp<IMAPRequestBase<'EXPUNGE'>> = { grammar: grammar.EXPUNGE, states: SELECTED, run: expunge };
export const UID_EXPUNGE: IMAPOp<UidExpungeRequest> = { grammar: grammar.UID_EXPUNGE, states: SELECTED, run: expunge };
