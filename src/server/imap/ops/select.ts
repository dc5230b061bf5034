// SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 9051, CONDSTORE/QRESYNC parameters of RFC 7162 §3.2.5): open a mailbox view.
import type { QResyncParameters, SelectRequest } from '../../../proto/imap/commands/select.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import { untagged, untaggedData } from '../../../proto/imap/imap-response.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import * as grammar from '../../../proto/imap/commands/select.js';
import { flagNames } from '../flag-names.js';
import { flagsResponses, keywordUpdate } from '../mailbox-flags.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { uidInSet } from '../message-set.js';
import { SelectedMailbox } from '../selected-mailbox.js';

async function open(context: IMAPCommandContext, request: SelectRequest): Promise<CommandResult> {
  const { session, deps } = context;
  const { readOnly } = request;
  // Any SELECT deselects first, even when the new one fails (RFC 3501 §6.3.1).
  const hadSelection = session.selected !== undefined;
  session.selected = undefined;
  session.state = 'authenticated';
  if (hadSelection) await context.write(untagged('OK', 'Previous mailbox closed', { code: { name: 'CLOSED' } }));
  if (request.condstore) session.condstore = true;

  const mailbox = await deps.mailboxes.get(session.account!.id, request.mailbox);
  const { view, firstUnseenUid, keywords: keywordsInUse } = await SelectedMailbox.open(deps.mailboxes, mailbox, { readOnly });
  const rev2 = session.enabled.has('IMAP4REV2');
  // A mailbox with very many keywords lists the first ones here; any other is announced when a response first shows it.
  view.learnKeywords(keywordsInUse.slice(0, 500));
  const out: Buffer[] = [...flagsResponses(view.keywords, { readOnly }), untaggedData([view.exists, { atom: 'EXISTS' }])];
  if (!rev2) {
    out.push(untaggedData([view.recentCount, { atom: 'RECENT' }]));
    const firstUnseen = firstUnseenUid === null ? undefined : view.seqOf(firstUnseenUid);
    if (firstUnseen !== undefined) out.push(untagged('OK', 'First unseen', { code: { name: 'UNSEEN', args: [firstUnseen] } }));
  }
  out.push(
    untagged('OK', 'UIDs valid', { code: { name: 'UIDVALIDITY', args: [mailbox.uid_validity] } }),
    untagged('OK', 'Predicted next UID', { code: { name: 'UIDNEXT', args: [view.uidNext] } }),
    untagged('OK', 'Highest', { code: { name: 'HIGHESTMODSEQ', args: [view.highestModseq] } }),
  );
  if (request.qresync && request.qresync.uidValidity === mailbox.uid_validity) out.push(...(await resync(context, view, request.qresync)));
  await context.write(out);
  session.selected = view;
  session.state = 'selected';
  return { code: { name: readOnly ? 'READ-ONLY' : 'READ-WRITE' }, text: `${request.name} completed` };
}

/** RFC 7162 §3.2.5.1: what vanished and what changed since the client's MODSEQ. */
async function resync(context: IMAPCommandContext, view: SelectedMailbox, params: QResyncParameters): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let vanished = await context.deps.mailboxes.expungedSince(view.mailbox.id, params.modseq);
  if (params.knownUids) {
    const known = params.knownUids;
    vanished = vanished.filter((uid) => uidInSet(uid, known));
  }
  if (vanished.length > 0) out.push(untaggedData([{ atom: 'VANISHED' }, { list: [{ atom: 'EARLIER' }] }, { atom: formatUids(vanished) }]));
  const changed = await context.deps.mailboxes.listFlagsChangedSince(view.mailbox.id, params.modseq);
  out.push(...keywordUpdate(view, changed));
  for (const row of changed) {
    const seq = view.seqOf(row.uid);
    if (seq === undefined) continue;
    const items: ResponseValue[] = [
      { atom: 'UID' },
      row.uid,
      { atom: 'FLAGS' },
      { list: flagNames(row, { recent: view.isRecent(row.uid) && !context.session.enabled.has('IMAP4REV2') }).map((atom) => ({ atom })) },
      { atom: 'MODSEQ' },
      { list: [row.modseq] },
    ];
    out.push(untaggedData([seq, { atom: 'FETCH' }, { list: items }]));
  }
  return out;
}

export const SELECT: IMAPOp<SelectRequest> = { grammar: grammar.SELECT, states: AUTHENTICATED, run: open };
export const EXAMINE: IMAPOp<SelectRequest> = { grammar: grammar.EXAMINE, states: AUTHENTICATED, run: open };
