// SUBSCRIBE (RFC 3501 §6.3.6): marks an existing mailbox as subscribed (the server may refuse names that do not exist, and does).
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const SUBSCRIBE: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult> {
    expectArgCount(command, 1);
    await context.deps.mailboxes.setSubscribed(context.session.account!.id, mailboxName(arg(command, 0), { utf8: context.utf8 }), true);
    return { text: 'SUBSCRIBE completed' };
  },
};
