// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace with no prefix; no other users' or shared mailboxes are reachable.
import { untaggedData } from '../../../proto/imap/imap-response.js';
import { HIERARCHY_DELIMITER } from '../../../mailbox/index.js';
import * as grammar from '../../../proto/imap/commands/namespace.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const NAMESPACE: IMAPOp = {
  grammar: grammar.NAMESPACE,
  states: AUTHENTICATED,
  async run(context) {
    await context.write(untaggedData([{ atom: 'NAMESPACE' }, { list: [{ list: [{ string: '' }, { string: HIERARCHY_DELIMITER }] }] }, null, null]));
  },
};
