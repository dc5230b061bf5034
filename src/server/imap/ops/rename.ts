// RENAME (RFC 3501 §6.3.5, RFC 9051 §6.3.6): inferiors follow; renaming INBOX moves its messages to the new name and leaves INBOX empty.
import type { RenameRequest } from '../../../proto/imap/commands/rename.js';
import * as grammar from '../../../proto/imap/commands/rename.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const RENAME: IMAPOp<RenameRequest> = {
  grammar: grammar.RENAME,
  states: AUTHENTICATED,
  async run(context, { from, to }): Promise<CommandResult> {
    // The selected mailbox keeps its id through a rename, so the session's view stays valid; for
    // INBOX the moved messages reach the session as EXPUNGE from the journal after this command.
    await context.deps.mailboxes.rename(context.session.account!.id, from, to);
    return { text: 'RENAME completed' };
  },
};
