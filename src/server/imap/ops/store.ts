// STORE and UID STORE (RFC 3501 §6.4.6, RFC 9051 §6.4.6) with UNCHANGEDSINCE and MODIFIED (CONDSTORE, RFC 7162 §3.1.3).
import type { StoreRequest } from '../../../proto/imap/commands/store.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import * as grammar from '../../../proto/imap/commands/store.js';
import { enableCondstore } from '../condstore.js';
import { flagNames } from '../flag-names.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { keywordUpdate } from '../mailbox-flags.js';
import { resolveMessageSet } from '../message-set.js';

async function store(context: IMAPCommandContext, request: StoreRequest): Promise<CommandResult> {
  const { session, deps } = context;
  const view = session.selected!;
  const { unchangedSince, mode, flags, silent, uid: uidCommand } = request;
  // A modifier list makes this a CONDSTORE-enabling command (RFC 7162 §3.1).
  if (request.hasModifiers) await enableCondstore(context);
  const uids = resolveMessageSet(view, request.set, { uid: uidCommand });
  if (view.readOnly) return { status: 'NO', code: { name: 'READ-ONLY' }, text: 'The mailbox is read-only (EXAMINE)' };

  const targets = uids.filter((uid) => !view.isExpungedElsewhere(uid));
  const result = targets.length === 0 ? { modseq: 0, messages: [], modified: [] } : await deps.mailboxes.storeFlags(view.mailbox.id, targets, { mode, flags, ...(unchangedSince !== undefined ? { unchangedSince } : {}) });
  view.markOwn(result.modseq);
  // New keywords are announced even after .SILENT: a later FETCH FLAGS must not be the first to show them.
  const out: Buffer[] = keywordUpdate(view, result.messages);
  for (const row of result.messages) {
    const seq = view.seqOf(row.uid);
    if (seq === undefined) continue;
    const changed = result.modseq > 0 && row.modseq === result.modseq;
    // .SILENT leaves out the new flags; with CONDSTORE a changed message is still reported with its MODSEQ (RFC 7162 §3.1.3).
    if (silent && !(session.condstore && changed)) continue;
    const items: ResponseValue[] = [];
    if (!silent) items.push({ atom: 'FLAGS' }, { list: flagNames(row, { recent: view.isRecent(row.uid) && !session.enabled.has('IMAP4REV2') }).map((atom) => ({ atom })) });
    if (uidCommand) items.push({ atom: 'UID' }, row.uid);
    if (session.condstore) items.push({ atom: 'MODSEQ' }, { list: [row.modseq] });
    out.push(untaggedData([seq, { atom: 'FETCH' }, { list: items }]));
  }
  if (out.length > 0) await context.write(out);
  if (result.modified.length > 0) {
    const failed = uidCommand ? result.modified : result.modified.map((uid) => view.seqOf(uid)!).filter((seq) => seq !== undefined);
    return { code: { name: 'MODIFIED', args: [{ atom: formatUids(failed) }] }, text: 'Conditional STORE failed for some messages' };
  }
  return { text: `${request.name} completed` };
}

export const STORE: IMAPOp<StoreRequest> = { grammar: grammar.STORE, states: SELECTED, allowExpungeUpdates: false, run: store };
export const UID_STORE: IMAPOp<StoreRequest> = { grammar: grammar.UID_STORE, states: SELECTED, allowExpungeUpdates: true, run: store };
