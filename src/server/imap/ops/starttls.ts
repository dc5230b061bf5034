// STARTTLS (RFC 3501 §6.2.1): the TLS handshake starts right after the tagged OK; pipelined clear-text bytes are discarded.
import * as grammar from '../../../proto/imap/commands/starttls.js';
import type { IMAPOp } from '../imap-context.js';
import { NOT_AUTHENTICATED } from '../imap-context.js';

export const STARTTLS: IMAPOp = {
  grammar: grammar.STARTTLS,
  states: NOT_AUTHENTICATED,
  async run(context) {
    if (context.session.secure) return { status: 'BAD', text: 'TLS is already active' };
    await context.startTLS();
    return { text: 'Begin TLS negotiation now' };
  },
};
