// STATUS mailbox (status-att...) (RFC 3501 §6.3.10, RFC 9051 §6.3.11).
import { arg, expectArgCount, mailboxArg } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';
import type { StatusItem } from './status-items.js';
import { parseStatusItems } from './status-items.js';

export interface StatusRequest extends IMAPRequestBase<'STATUS'> {
  mailbox: string;
  items: StatusItem[];
}

export const STATUS: IMAPCommandSpec<StatusRequest> = {
  name: 'STATUS',
  parse(command, options) {
    expectArgCount(command, 2);
    const mailbox = mailboxArg(command, 0, options);
    return { tag: command.tag, name: 'STATUS', mailbox, items: parseStatusItems(arg(command, 1)) };
  },
};
