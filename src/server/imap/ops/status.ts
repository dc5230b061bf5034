// STATUS (RFC 3501 §6.3.10, RFC 9051 §6.3.11): counts of any mailbox of the account, the selected one included.
import { arg, expectArgCount, mailboxName } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { parseStatusItems, statusResponse } from '../mailbox-status.js';

export const STATUS: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command) {
    expectArgCount(command, 2);
    const name = mailboxName(arg(command, 0), { utf8: context.utf8 });
    const items = parseStatusItems(arg(command, 1));
    const mailbox = await context.deps.mailboxes.get(context.session.account!.id, name);
    await context.write(await statusResponse(context, mailbox, items));
  },
};
