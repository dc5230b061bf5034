// SETQUOTA (RFC 9208 §4.1): refused with [NOPERM]; an account's quota is the administrator's to set, never its user's.
import * as grammar from '../../../proto/imap/commands/set-quota.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const SETQUOTA: IMAPOp = {
  grammar: grammar.SETQUOTA,
  states: AUTHENTICATED,
  async run(): Promise<CommandResult> {
    return { status: 'NO', code: { name: 'NOPERM' }, text: 'Quotas are set by the administrator' };
  },
};
