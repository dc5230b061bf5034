// STORE and UID STORE (RFC 3501 §6.4.6, RFC 9051 §6.4.6) with UNCHANGEDSINCE and MODIFIED (CONDSTORE, RFC 7162 §3.1.3).
import type { FlagChangeMode } from '../../../mailbox/index.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { IMAPCommand } from '../../../proto/imap/imap-value.js';
import { arg, flagList, flagNames, keyword, list, numberArg } from '../command-args.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { IMAPSyntaxError, SELECTED } from '../imap-context.js';
import { resolveMessageSet } from '../message-set.js';

const MODES: Record<string, FlagChangeMode> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

async function store(context: IMAPCommandContext, command: IMAPCommand, uidCommand: boolean): Promise<CommandResult> {
  const { session, deps } = context;
  const view = session.selected!;
  // `STORE set [(UNCHANGEDSINCE n)] item value` (RFC 7162 §3.1.3).
  const rest = command.args.slice(1);
  let unchangedSince: number | undefined;
  if (rest[0]?.type === 'list') {
    const modifiers = list(rest.shift()!);
    for (let i = 0; i < modifiers.length; i++) {
      const name = keyword(modifiers[i]!);
      if (name !== 'UNCHANGEDSINCE' || !modifiers[i + 1]) throw new IMAPSyntaxError(`Unknown STORE modifier ${name.slice(0, 40)}`);
      unchangedSince = numberArg(modifiers[++i]!);
    }
    session.condstore = true;
  }
  if (rest.length < 2) throw new IMAPSyntaxError('STORE takes a message set, a data item and flags');
  const item = keyword(rest[0]!);
  const silent = item.endsWith('.SILENT');
  const mode = MODES[silent ? item.slice(0, -'.SILENT'.length) : item];
  if (!mode) throw new IMAPSyntaxError(`Unknown STORE data item ${item.slice(0, 40)}`);
  // The flags are a list or, as RFC 3501 §9 store-att-flags allows, flags separated by spaces.
  const flagArgs = rest.slice(1);
  const flags = flagList(flagArgs.length === 1 ? flagArgs[0]! : { type: 'list', items: flagArgs });
  const uids = resolveMessageSet(view, arg(command, 0), { uid: uidCommand });
  if (view.readOnly) return { status: 'NO', code: { name: 'READ-ONLY' }, text: 'The mailbox is read-only (EXAMINE)' };

  const targets = uids.filter((uid) => !view.isExpungedElsewhere(uid));
  const result = targets.length === 0 ? { modseq: 0, messages: [], modified: [] } : await deps.mailboxes.storeFlags(view.mailbox.id, targets, { mode, flags, ...(unchangedSince !== undefined ? { unchangedSince } : {}) });
  view.markOwn(result.modseq);
  const out: Buffer[] = [];
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
  return { text: `${command.name} completed` };
}

export const STORE: IMAPOp = {
  states: SELECTED,
  allowExpungeUpdates: false,
  run: (context, command) => store(context, command, false),
};

export const UID_STORE: IMAPOp = {
  states: SELECTED,
  allowExpungeUpdates: true,
  run: (context, command) => store(context, command, true),
};
