// LSUB reference mailbox-pattern (RFC 3501 §6.3.9; gone from IMAP4rev2).
import { expectArgCount, mailboxArg } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface LsubRequest extends IMAPRequestBase<'LSUB'> {
  reference: string;
  pattern: string;
}

export const LSUB: IMAPCommandSpec<LsubRequest> = {
  name: 'LSUB',
  parse(command, options) {
    expectArgCount(command, 2);
    const reference = mailboxArg(command, 0, options);
    return { tag: command.tag, name: 'LSUB', reference, pattern: mailboxArg(command, 1, options) };
  },
};
