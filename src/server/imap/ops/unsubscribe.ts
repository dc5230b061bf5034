// UNSUBSCRIBE (RFC 3501 §6.3.7): takes a mailbox off the subscription list.
import type { MailboxRequest } from '../../../proto/imap/commands/command-args.js';
import * as grammar from '../../../proto/imap/commands/unsubscribe.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const UNSUBSCRIBE: IMAPOp<MailboxRequest<'UNSUBSCRIBE'>> = {
  grammar: grammar.UNSUBSCRIBE,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult> {
    await context.deps.mailboxes.setSubscribed(context.session.account!.id, request.mailbox, false);
    return { text: 'UNSUBSCRIBE completed' };
  },
};
