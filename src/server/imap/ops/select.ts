// SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 9051, CONDSTORE/QRESYNC parameters of RFC 7162 §3.2.5): open a mailbox view.
import { untagged, untaggedData } from '../../../proto/imap/imap-response.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import type { IMAPCommand } from '../../../proto/imap/imap-value.js';
import type { SequenceSet } from '../../../proto/imap/sequence-set.js';
import { arg, flagNames, keyword, list, mailboxName, numberArg, sequenceSet } from '../command-args.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import type { IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED, IMAPSyntaxError } from '../imap-context.js';
import { SelectedMailbox } from '../selected-mailbox.js';
import { uidInSet } from '../message-set.js';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

interface QResyncParams {
  uidValidity: number;
  modseq: number;
  knownUids?: SequenceSet;
}

function parseParameters(command: IMAPCommand): { condstore: boolean; qresync?: QResyncParams } {
  const params = command.args[1];
  if (!params) return { condstore: false };
  const items = list(params);
  let condstore = false;
  let qresync: QResyncParams | undefined;
  for (let i = 0; i < items.length; i++) {
    const name = keyword(items[i]!);
    if (name === 'CONDSTORE') condstore = true;
    else if (name === 'QRESYNC') {
      const values = list(items[++i] ?? { type: 'nil' });
      if (values.length < 2 || values.length > 4) throw new IMAPSyntaxError('QRESYNC takes (uidvalidity modseq [known-uids [seq-match]])');
      qresync = { uidValidity: numberArg(values[0]!), modseq: numberArg(values[1]!), ...(values[2] ? { knownUids: sequenceSet(values[2]) } : {}) };
    } else throw new IMAPSyntaxError(`Unknown SELECT parameter ${name.slice(0, 40)}`);
  }
  return { condstore, ...(qresync ? { qresync } : {}) };
}

async function open(context: IMAPCommandContext, command: IMAPCommand, readOnly: boolean): Promise<{ code: { name: string }; text: string }> {
  const { session, deps } = context;
  const name = mailboxName(arg(command, 0), { utf8: context.utf8 });
  if (command.args.length > 2) throw new IMAPSyntaxError(`${command.name} takes a mailbox and optional parameters`);
  const params = parseParameters(command);
  if (params.qresync && !session.enabled.has('QRESYNC')) throw new IMAPSyntaxError('ENABLE QRESYNC first');
  // Any SELECT deselects first, even when the new one fails (RFC 3501 §6.3.1).
  const hadSelection = session.selected !== undefined;
  session.selected = undefined;
  session.state = 'authenticated';
  if (hadSelection) await context.write(untagged('OK', 'Previous mailbox closed', { code: { name: 'CLOSED' } }));
  if (params.condstore) session.condstore = true;

  const mailbox = await deps.mailboxes.get(session.account!.id, name);
  const { view, firstUnseenUid, keywords: keywordsInUse } = await SelectedMailbox.open(deps.mailboxes, mailbox, { readOnly });
  const rev2 = session.enabled.has('IMAP4REV2');
  const keywords = keywordsInUse.slice(0, 500);
  const out: Buffer[] = [
    untaggedData([{ atom: 'FLAGS' }, { list: [...SYSTEM_FLAGS, ...keywords].map((atom) => ({ atom })) }]),
    untagged('OK', readOnly ? 'No permanent flags permitted' : 'Flags permitted', {
      code: { name: 'PERMANENTFLAGS', args: [{ list: readOnly ? [] : [...SYSTEM_FLAGS, ...keywords, '\\*'].map((atom) => ({ atom })) }] },
    }),
    untaggedData([view.exists, { atom: 'EXISTS' }]),
  ];
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
  if (params.qresync && params.qresync.uidValidity === mailbox.uid_validity) out.push(...(await resync(context, view, params.qresync)));
  await context.write(out);
  session.selected = view;
  session.state = 'selected';
  return { code: { name: readOnly ? 'READ-ONLY' : 'READ-WRITE' }, text: `${command.name} completed` };
}

/** RFC 7162 §3.2.5.1: what vanished and what changed since the client's MODSEQ. */
async function resync(context: IMAPCommandContext, view: SelectedMailbox, params: QResyncParams): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let vanished = await context.deps.mailboxes.expungedSince(view.mailbox.id, params.modseq);
  if (params.knownUids) {
    const known = params.knownUids;
    vanished = vanished.filter((uid) => uidInSet(uid, known));
  }
  if (vanished.length > 0) out.push(untaggedData([{ atom: 'VANISHED' }, { list: [{ atom: 'EARLIER' }] }, { atom: formatUids(vanished) }]));
  for (const row of await context.deps.mailboxes.listFlagsChangedSince(view.mailbox.id, params.modseq)) {
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

export const SELECT: IMAPOp = {
  states: AUTHENTICATED,
  run: (context, command) => open(context, command, false),
};

export const EXAMINE: IMAPOp = {
  states: AUTHENTICATED,
  run: (context, command) => open(context, command, true),
};
