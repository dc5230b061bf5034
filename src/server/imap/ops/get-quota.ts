// GETQUOTA (RFC 9208 §4.2): the usage and limit of a quota root; the account has only "".
import { arg, astring, expectArgCount } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { QUOTA_ROOT, quotaResponse } from '../quota-response.js';

export const GETQUOTA: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult | void> {
    expectArgCount(command, 1);
    if (astring(arg(command, 0)) !== QUOTA_ROOT) return { status: 'NO', code: { name: 'NONEXISTENT' }, text: 'No such quota root' };
    await context.write(await quotaResponse(context));
  },
};
