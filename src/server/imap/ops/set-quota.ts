// SETQUOTA (RFC 9208 §4.1): refused with [NOPERM]; an account's quota is the administrator's to set, never its user's.
import { arg, expectArgCount, list } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const SETQUOTA: IMAPOp = {
  states: AUTHENTICATED,
  async run(_context, command): Promise<CommandResult> {
    expectArgCount(command, 2);
    list(arg(command, 1));
    return { status: 'NO', code: { name: 'NOPERM' }, text: 'Quotas are set by the administrator' };
  },
};
