// COPY, MOVE and their UID forms (RFC 3501 §6.4.7, RFC 6851, COPYUID of RFC 4315): into another mailbox of the same account.
import { MailwardError } from '../../../errors/index.js';
import { untagged } from '../../../proto/imap/imap-response.js';
import type { IMAPCommand } from '../../../proto/imap/imap-value.js';
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import { resolveMessageSet } from '../message-set.js';
import { reportExpunged } from './expunge.js';

function copyUid(uidValidity: number, pairs: ReadonlyArray<[number, number]>): { name: string; args: Array<number | { atom: string }> } {
  // Source and destination sets in the same order (RFC 4315 §3): formatUids keeps ascending order, and new UIDs ascend with the sources.
  return { name: 'COPYUID', args: [uidValidity, { atom: formatUids(pairs.map(([from]) => from)) }, { atom: formatUids(pairs.map(([, to]) => to)) }] };
}

async function target(context: IMAPCommandContext, command: IMAPCommand): Promise<{ id: number } | CommandResult> {
  const name = mailboxName(arg(command, 1), { utf8: context.utf8 });
  const mailbox = await context.deps.mailboxes.find(context.session.account!.id, name);
  // RFC 3501 §6.4.7: a missing destination gets TRYCREATE so the client may create it and retry.
  return mailbox ?? { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
}

async function copyOrMove(context: IMAPCommandContext, command: IMAPCommand, options: { uid: boolean; move: boolean }): Promise<CommandResult> {
  expectArgCount(command, 2);
  const view = context.session.selected!;
  const uids = resolveMessageSet(view, arg(command, 0), { uid: options.uid }).filter((uid) => !view.isExpungedElsewhere(uid));
  const to = await target(context, command);
  if (!('id' in to)) return to;
  if (options.move && view.readOnly) return { status: 'NO', code: { name: 'READ-ONLY' }, text: 'The mailbox is read-only (EXAMINE)' };
  if (uids.length === 0) return { text: options.uid ? `${command.name} completed (no messages)` : `${command.name} completed` };
  try {
    if (!options.move) {
      const result = await context.deps.mailboxes.copy(view.mailbox.id, uids, to.id);
      if (result.pairs.length === 0) return { status: 'NO', code: { name: 'EXPUNGEISSUED' }, text: 'The messages no longer exist' };
      return { code: copyUid(result.uidValidity, result.pairs), text: `${command.name} completed` };
    }
    const result = await context.deps.mailboxes.move(view.mailbox.id, uids, to.id);
    if (result.pairs.length === 0) return { status: 'NO', code: { name: 'EXPUNGEISSUED' }, text: 'The messages no longer exist' };
    // RFC 6851 §4.3: COPYUID comes untagged, before the expunges of the moved messages.
    await context.write(untagged('OK', 'Moved', { code: copyUid(result.uidValidity, result.pairs) }));
    await reportExpunged(
      context,
      view,
      result.pairs.map(([from]) => from),
      result.expungeModseq,
    );
    return { text: `${command.name} completed` };
  } catch (error) {
    if (error instanceof MailwardError && error.code === 'NOT_FOUND') return { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
    throw error;
  }
}

export const COPY: IMAPOp = { states: SELECTED, run: (context, command) => copyOrMove(context, command, { uid: false, move: false }) };
export const UID_COPY: IMAPOp = { states: SELECTED, run: (context, command) => copyOrMove(context, command, { uid: true, move: false }) };
export const MOVE: IMAPOp = { states: SELECTED, run: (context, command) => copyOrMove(context, command, { uid: false, move: true }) };
export const UID_MOVE: IMAPOp = { states: SELECTED, run: (context, command) => copyOrMove(context, command, { uid: true, move: true }) };
