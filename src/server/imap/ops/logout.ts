// LOGOUT (RFC 3501 §6.1.3): BYE, the tagged OK, then the connection closes.
import { untagged } from '../../../proto/imap/imap-response.js';
import { expectArgCount } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE } from '../imap-context.js';

export const LOGOUT: IMAPOp = {
  states: ANY_STATE,
  async run(context, command) {
    expectArgCount(command, 0);
    await context.write(untagged('BYE', 'Logging out'));
    context.close();
    return { text: 'LOGOUT completed' };
  },
};
