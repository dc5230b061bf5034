// COPY, MOVE and their UID forms (RFC 3501 §6.4.7, RFC 6851, COPYUID of RFC 4315): into another mailbox of the same account.
import { MailwardError } from '../../../errors/index.js';
import { untagged } from '../../../proto/imap/imap-response.js';
import type { CopyRequest } from '../../../proto/imap/commands/copy.js';
import * as grammar from '../../../proto/imap/commands/copy.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import { resolveMessageSet } from '../message-set.js';
import { reportExpunged } from './expunge.js';

function copyUid(uidValidity: number, pairs: ReadonlyArray<[number, number]>): { name: string; args: Array<number | { atom: string }> } {
  // Source and destination sets in the same order (RFC 4315 §3): formatUids keeps ascending order, and new UIDs ascend with the sources.
  return { name: 'COPYUID', args: [uidValidity, { atom: formatUids(pairs.map(([from]) => from)) }, { atom: formatUids(pairs.map(([, to]) => to)) }] };
}

async function target(context: IMAPCommandContext, name: string): Promise<{ id: number } | CommandResult> {
  const mailbox = await context.deps.mailboxes.find(context.session.account!.id, name);
  // RFC 3501 §6.4.7: a missing destination gets TRYCREATE so the client may create it and retry.
  return mailbox ?? { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
}

const EXPUNGE_ISSUED: CommandResult = { status: 'NO', code: { name: 'EXPUNGEISSUED' }, text: 'Some of the messages no longer exist; none was copied' };

/**
 * A message another session expunged keeps its number here until this session is told (RFC 3501
 * §7.4.1). COPY and MOVE by number copy the whole set or nothing: with such a message in it they
 * answer NO [EXPUNGEISSUED] (RFC 5530) and leave the target as it was (RFC 9051 §6.4.7). By UID,
 * a UID that no longer exists is ignored (RFC 3501 §6.4.8) and the rest is copied.
 */
async function copyOrMove(context: IMAPCommandContext, request: CopyRequest): Promise<CommandResult> {
  const view = context.session.selected!;
  const named = resolveMessageSet(view, request.set, { uid: request.uid });
  const uids = named.filter((uid) => !view.isExpungedElsewhere(uid));
  const to = await target(context, request.mailbox);
  if (!('id' in to)) return to;
  if (request.move && view.readOnly) return { status: 'NO', code: { name: 'READ-ONLY' }, text: 'The mailbox is read-only (EXAMINE)' };
  const whole = !request.uid;
  if (whole && uids.length < named.length) return EXPUNGE_ISSUED;
  if (uids.length === 0) return { text: request.uid ? `${request.name} completed (no messages)` : `${request.name} completed` };
  try {
    if (!request.move) {
      const result = await context.deps.mailboxes.copy(view.mailbox.id, uids, to.id, { whole });
      if (result.pairs.length === 0) return whole ? EXPUNGE_ISSUED : { text: `${request.name} completed (no messages)` };
      return { code: copyUid(result.uidValidity, result.pairs), text: `${request.name} completed` };
    }
    const result = await context.deps.mailboxes.move(view.mailbox.id, uids, to.id, { whole });
    if (result.pairs.length === 0) return whole ? EXPUNGE_ISSUED : { text: `${request.name} completed (no messages)` };
    // RFC 6851 §4.3: COPYUID comes untagged, before the expunges of the moved messages.
    await context.write(untagged('OK', 'Moved', { code: copyUid(result.uidValidity, result.pairs) }));
    await reportExpunged(
      context,
      view,
      result.pairs.map(([from]) => from),
      result.expungeModseq,
    );
    return { text: `${request.name} completed` };
  } catch (error) {
    if (error instanceof MailwardError && error.code === 'NOT_FOUND') return { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
    throw error;
  }
}

export const COPY: IMAPOp<CopyRequest> = { grammar: grammar.COPY, states: SELECTED, run: copyOrMove };
export const UID_COPY: IMAPOp<CopyRequest> = { grammar: grammar.UID_COPY, states: SELECTED, run: copyOrMove };
export const MOVE: IMAPOp<CopyRequest> = { grammar: grammar.MOVE, states: SELECTED, run: copyOrMove };
export const UID_MOVE: IMAPOp<CopyRequest> = { grammar: grammar.UID_MOVE, states: SELECTED, run: copyOrMove };
