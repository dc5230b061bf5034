// CLOSE (RFC 3501 §6.4.2): silently expunges \Deleted messages (unless read-only) and leaves the selected state.
import * as grammar from '../../../proto/imap/commands/close.js';
import type { IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';

export const CLOSE: IMAPOp = {
  grammar: grammar.CLOSE,
  states: SELECTED,
  async run(context) {
    const selected = context.session.selected!;
    context.session.selected = undefined;
    context.session.state = 'authenticated';
    if (!selected.readOnly) await context.deps.mailboxes.expunge(selected.mailbox.id);
  },
};
