// UNSELECT (RFC 3691): leaves the selected state without expunging.
import { expectArgCount } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';

export const UNSELECT: IMAPOp = {
  states: SELECTED,
  async run(context, command) {
    expectArgCount(command, 0);
    context.session.selected = undefined;
    context.session.state = 'authenticated';
  },
};
