// GETQUOTA (RFC 9208 §4.2): the usage and limit of a quota root; the account has only "".
import type { GetQuotaRequest } from '../../../proto/imap/commands/get-quota.js';
import * as grammar from '../../../proto/imap/commands/get-quota.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { QUOTA_ROOT, quotaResponse } from '../quota-response.js';

export const GETQUOTA: IMAPOp<GetQuotaRequest> = {
  grammar: grammar.GETQUOTA,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult | void> {
    if (request.root !== QUOTA_ROOT) return { status: 'NO', code: { name: 'NONEXISTENT' }, text: 'No such quota root' };
    await context.write(await quotaResponse(context));
  },
};
