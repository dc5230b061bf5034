// LOGIN (RFC 3501 §6.2.3): user name and password through authenticate(), only over TLS unless the admin allows plain text.
import { arg, astring, astringBytes, expectArgCount } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { NOT_AUTHENTICATED } from '../imap-context.js';
import { plaintextRefused, signIn } from './login-result.js';

export const LOGIN: IMAPOp = {
  states: NOT_AUTHENTICATED,
  async run(context, command) {
    expectArgCount(command, 2);
    const refused = plaintextRefused(context);
    if (refused) return refused;
    return signIn(context, astring(arg(command, 0)), astringBytes(arg(command, 1)).toString('utf8'));
  },
};
