// DELETE (RFC 3501 §6.3.4, RFC 9051 §6.3.5): INBOX never; mailboxes below the deleted one stay; the selected mailbox may go, and the session with it.
import { untagged } from '../../../proto/imap/imap-response.js';
import type { MailboxRequest } from '../../../proto/imap/commands/command-args.js';
import * as grammar from '../../../proto/imap/commands/delete.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const DELETE: IMAPOp<MailboxRequest<'DELETE'>> = {
  grammar: grammar.DELETE,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult> {
    const { session, deps } = context;
    const mailbox = await deps.mailboxes.get(session.account!.id, request.mailbox);
    await deps.mailboxes.delete(session.account!.id, mailbox.name);
    if (session.selected?.mailbox.id === mailbox.id) {
      // Its messages are gone and no sequence number means anything now: leave the selected
      // state as CLOSE would, and say so with [CLOSED] (RFC 9051 §7.1) instead of serving a ghost.
      session.selected = undefined;
      session.state = 'authenticated';
      await context.write(untagged('OK', 'Selected mailbox deleted', { code: { name: 'CLOSED' } }));
    }
    return { text: 'DELETE completed' };
  },
};
