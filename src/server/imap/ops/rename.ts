// RENAME (RFC 3501 §6.3.5, RFC 9051 §6.3.6): inferiors follow; renaming INBOX moves its messages to the new name and leaves INBOX empty.
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const RENAME: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult> {
    expectArgCount(command, 2);
    const from = mailboxName(arg(command, 0), { utf8: context.utf8 });
    const to = mailboxName(arg(command, 1), { utf8: context.utf8 });
    // The selected mailbox keeps its id through a rename, so the session's view stays valid; for
    // INBOX the moved messages reach the session as EXPUNGE from the journal after this command.
    await context.deps.mailboxes.rename(context.session.account!.id, from, to);
    return { text: 'RENAME completed' };
  },
};
