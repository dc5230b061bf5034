// UNSUBSCRIBE (RFC 3501 §6.3.7): takes a mailbox off the subscription list.
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const UNSUBSCRIBE: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult> {
    expectArgCount(command, 1);
    await context.deps.mailboxes.setSubscribed(context.session.account!.id, mailboxName(arg(command, 0), { utf8: context.utf8 }), false);
    return { text: 'UNSUBSCRIBE completed' };
  },
};
