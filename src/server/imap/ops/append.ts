// APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with APPENDUID (UIDPLUS, RFC 4315), TRYCREATE, APPENDLIMIT (RFC 7889) and RFC 6855's `UTF8 (~{n})` form.
import { MailwardError } from '../../../errors/index.js';
import type { MessageFlags } from '../../../mailbox/index.js';
import { normalizeMailboxName } from '../../../mailbox/index.js';
import { parseIMAPDateTime } from '../../../proto/imap/imap-date.js';
import type { IMAPCommand, IMAPValue } from '../../../proto/imap/imap-value.js';
import { arg, flagList, keyword, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED, IMAPSyntaxError } from '../imap-context.js';

interface AppendRequest {
  name: string;
  flags: MessageFlags;
  internalDate?: number;
  message: Buffer;
}

/** The message: a literal, or `UTF8 (literal8)` once UTF8=ACCEPT is on (RFC 6855 §4). */
function messageOf(context: IMAPCommandContext, rest: IMAPValue[]): Buffer {
  const last = rest.pop();
  if (last?.type === 'string') return last.value;
  const marker = rest.pop();
  if (last?.type === 'list' && marker?.type === 'atom' && keyword(marker) === 'UTF8') {
    // RFC 6855 §4: only a client that enabled UTF8=ACCEPT may send it; any other gets a BAD.
    if (!context.session.enabled.has('UTF8=ACCEPT')) throw new IMAPSyntaxError('APPEND UTF8 needs ENABLE UTF8=ACCEPT');
    const [data, ...extra] = last.items;
    if (data?.type !== 'string' || extra.length > 0) throw new IMAPSyntaxError('APPEND UTF8 takes one literal');
    return data.value;
  }
  throw new IMAPSyntaxError('APPEND takes the message as a literal');
}

function parseAppend(context: IMAPCommandContext, command: IMAPCommand): AppendRequest {
  const name = mailboxName(arg(command, 0), { utf8: context.utf8 });
  const rest = command.args.slice(1);
  const message = messageOf(context, rest);
  // What is left is `[flag-list] [date-time]`, in that order (RFC 3501 §9 append); MULTIAPPEND is not offered.
  let flags: MessageFlags = {};
  let internalDate: number | undefined;
  if (rest[0]?.type === 'list') flags = flagList(rest.shift()!);
  const date = rest.shift();
  if (date) {
    if (date.type !== 'string') throw new IMAPSyntaxError('Expected a date-time in quotes');
    const parsed = parseIMAPDateTime(date.value.toString('latin1'));
    if (!parsed) throw new IMAPSyntaxError('Invalid date-time');
    internalDate = parsed.date.getTime();
  }
  if (rest.length > 0) throw new IMAPSyntaxError('Too many APPEND arguments');
  return { name, flags, message, ...(internalDate !== undefined ? { internalDate } : {}) };
}

export const APPEND: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult> {
    const { deps, session } = context;
    const request = parseAppend(context, command);
    // The parser refuses bigger literals before they are read; this is the same limit for one that slipped in another way.
    if (request.message.length > deps.maxMessageBytes) return { status: 'NO', code: { name: 'TOOBIG' }, text: `Message too big (limit ${deps.maxMessageBytes} bytes)` };
    if (request.message.length === 0) return { status: 'NO', code: { name: 'CANNOT' }, text: 'An empty message cannot be stored' };
    const accountId = session.account!.id;
    // A name that can never exist is a plain NO; only a valid one that is missing gets TRYCREATE (RFC 3501 §6.3.11).
    normalizeMailboxName(request.name);
    if (!(await deps.mailboxes.find(accountId, request.name))) return { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
    try {
      // Stored as sent; the mail layer turns bare LF into CRLF. An APPEND to the selected mailbox
      // reaches this session as EXISTS through the journal sync at the end of the command.
      const { mailbox, uid } = await deps.mailboxes.append(accountId, request.name, request.message, {
        flags: request.flags,
        ...(request.internalDate !== undefined ? { internalDate: request.internalDate } : {}),
      });
      return { code: { name: 'APPENDUID', args: [mailbox.uid_validity, uid] }, text: 'APPEND completed' };
    } catch (error) {
      // Deleted between the check and the store: still a mailbox the client may create again.
      if (error instanceof MailwardError && error.code === 'NOT_FOUND') return { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
      throw error;
    }
  },
};
