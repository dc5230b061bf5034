// SUBSCRIBE (RFC 3501 §6.3.6): marks an existing mailbox as subscribed (the server may refuse names that do not exist, and does).
import type { MailboxRequest } from '../../../proto/imap/commands/command-args.js';
import * as grammar from '../../../proto/imap/commands/subscribe.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const SUBSCRIBE: IMAPOp<MailboxRequest<'SUBSCRIBE'>> = {
  grammar: grammar.SUBSCRIBE,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult> {
    await context.deps.mailboxes.setSubscribed(context.session.account!.id, request.mailbox, true);
    return { text: 'SUBSCRIBE completed' };
  },
};
