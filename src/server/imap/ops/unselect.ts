// UNSELECT (RFC 3691): leaves the selected state without expunging.
import * as grammar from '../../../proto/imap/commands/unselect.js';
import type { IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';

export const UNSELECT: IMAPOp = {
  grammar: grammar.UNSELECT,
  states: SELECTED,
  async run(context) {
    context.session.selected = undefined;
    context.session.state = 'authenticated';
  },
};
