// LOGOUT (RFC 3501 §6.1.3): BYE, the tagged OK, then the connection closes.
import { untagged } from '../../../proto/imap/imap-response.js';
import * as grammar from '../../../proto/imap/commands/logout.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE } from '../imap-context.js';

export const LOGOUT: IMAPOp = {
  grammar: grammar.LOGOUT,
  states: ANY_STATE,
  async run(context) {
    await context.write(untagged('BYE', 'Logging out'));
    context.close();
    return { text: 'LOGOUT completed' };
  },
};
