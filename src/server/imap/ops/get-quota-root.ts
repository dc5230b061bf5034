// GETQUOTAROOT (RFC 9208 §4.3): every mailbox of the account has the one root "", answered with that root's QUOTA too.
import { untaggedData } from '../../../proto/imap/imap-response.js';
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { wireMailboxName } from '../mailbox-wire-name.js';
import { QUOTA_ROOT, quotaResponse } from '../quota-response.js';

export const GETQUOTAROOT: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command) {
    expectArgCount(command, 1);
    const name = mailboxName(arg(command, 0), { utf8: context.utf8 });
    const mailbox = await context.deps.mailboxes.get(context.session.account!.id, name);
    const root = untaggedData([{ atom: 'QUOTAROOT' }, wireMailboxName(mailbox.name, { utf8: context.utf8 }), { string: QUOTA_ROOT }], { utf8Accept: context.utf8 });
    await context.write([root, await quotaResponse(context)]);
  },
};
