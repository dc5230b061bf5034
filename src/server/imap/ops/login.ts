// LOGIN (RFC 3501 §6.2.3): user name and password through authenticate(), only over TLS unless the admin allows plain text.
import type { LoginRequest } from '../../../proto/imap/commands/login.js';
import * as grammar from '../../../proto/imap/commands/login.js';
import type { IMAPOp } from '../imap-context.js';
import { NOT_AUTHENTICATED } from '../imap-context.js';
import { plaintextRefused, signIn } from './login-result.js';

export const LOGIN: IMAPOp<LoginRequest> = {
  grammar: grammar.LOGIN,
  states: NOT_AUTHENTICATED,
  async run(context, request) {
    const refused = plaintextRefused(context);
    if (refused) return refused;
    return signIn(context, request.username, request.password);
  },
};
