// CAPABILITY (RFC 3501 §6.1.1): what this connection may use now.
import { untaggedData } from '../../../proto/imap/imap-response.js';
import * as grammar from '../../../proto/imap/commands/capability.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE } from '../imap-context.js';

export const CAPABILITY: IMAPOp = {
  grammar: grammar.CAPABILITY,
  states: ANY_STATE,
  async run(context) {
    await context.write(untaggedData([{ atom: 'CAPABILITY' }, ...context.capabilities().map((atom) => ({ atom }))]));
  },
};
