// STATUS (RFC 3501 §6.3.10, RFC 9051 §6.3.11): counts of any mailbox of the account, the selected one included.
import type { StatusRequest } from '../../../proto/imap/commands/status.js';
import * as grammar from '../../../proto/imap/commands/status.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { statusResponse } from '../mailbox-status.js';

export const STATUS: IMAPOp<StatusRequest> = {
  grammar: grammar.STATUS,
  states: AUTHENTICATED,
  async run(context, request) {
    const mailbox = await context.deps.mailboxes.get(context.session.account!.id, request.mailbox);
    await context.write(await statusResponse(context, mailbox, request.items));
  },
};
