// APPEND (RFC 3501 §6.3.11, RFC 9051 §6.3.12) with APPENDUID (UIDPLUS, RFC 4315), TRYCREATE and APPENDLIMIT (RFC 7889).
import { MailwardError } from '../../../errors/index.js';
import { normalizeMailboxName } from '../../../mailbox/index.js';
import { encodeBinaryParts } from '../../../mailbox/mime/index.js';
import type { AppendRequest } from '../../../proto/imap/commands/append.js';
import * as grammar from '../../../proto/imap/commands/append.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const APPEND: IMAPOp<AppendRequest> = {
  grammar: grammar.APPEND,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult> {
    const { deps, session } = context;
    // The parser refuses bigger literals before they are read; this is the same limit for one that slipped in another way.
    if (request.message.length > deps.maxMessageBytes) return { status: 'NO', code: { name: 'TOOBIG' }, text: `Message too big (limit ${deps.maxMessageBytes} bytes)` };
    if (request.message.length === 0) return { status: 'NO', code: { name: 'CANNOT' }, text: 'An empty message cannot be stored' };
    const accountId = session.account!.id;
    // A name that can never exist is a plain NO; only a valid one that is missing gets TRYCREATE (RFC 3501 §6.3.11).
    normalizeMailboxName(request.mailbox);
    if (!(await deps.mailboxes.find(accountId, request.mailbox))) return { status: 'NO', code: { name: 'TRYCREATE' }, text: 'Mailbox does not exist' };
    try {
      // Stored as sent; the mail layer turns bare LF into CRLF. An APPEND to the selected mailbox
      // reaches this session as EXISTS through the journal sync at the end of the command.
      // Binary content (a literal8) is kept as base64, so BODY[] stays 7-bit while BINARY[] gives the bytes back (RFC 3516 §4.4).
      const message = request.binary ? encodeBinaryParts(request.message) : request.message;
      const { mailbox, uid } = await deps.mailboxes.append(accountId, request.mailbox, message, {
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
