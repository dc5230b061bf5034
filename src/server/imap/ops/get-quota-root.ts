// GETQUOTAROOT (RFC 9208 §4.3): every mailbox of the account has the one root "", answered with that root's QUOTA too.
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { MailboxRequest } from '../../../proto/imap/commands/command-args.js';
import * as grammar from '../../../proto/imap/commands/get-quota-root.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { wireMailboxName } from '../mailbox-wire-name.js';
import { QUOTA_ROOT, quotaResponse } from '../quota-response.js';

export const GETQUOTAROOT: IMAPOp<MailboxRequest<'GETQUOTAROOT'>> = {
  grammar: grammar.GETQUOTAROOT,
  states: AUTHENTICATED,
  async run(context, request) {
    const mailbox = await context.deps.mailboxes.get(context.session.account!.id, request.mailbox);
    const root = untaggedData([{ atom: 'QUOTAROOT' }, wireMailboxName(mailbox.name, { utf8: context.utf8 }), { string: QUOTA_ROOT }], { utf8Accept: context.utf8 });
    await context.write([root, await quotaResponse(context)]);
  },
};
