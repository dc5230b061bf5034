// CLOSE (RFC 3501 §6.4.2): silently expunges \Deleted messages (unless read-only) and leaves the selected state.
import { expectArgCount } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';

export const CLOSE: IMAPOp = {
  states: SELECTED,
  async run(context, command) {
    expectArgCount(command, 0);
    const selected = context.session.selected!;
    context.session.selected = undefined;
    context.session.state = 'authenticated';
    if (!selected.readOnly) await context.deps.mailboxes.expunge(selected.mailbox.id);
  },
};
