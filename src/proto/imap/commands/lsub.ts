// LSUB reference mailbox-pattern (RFC 3501 §6.3.9; gone from IMAP4rev2).
import { arg, decodedMailboxName, expectArgCount } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';
import { utf8Enabled } from './imap-command-spec.js';

export interface LsubRequest extends IMAPRequestBase<'LSUB'> {
  reference: string;
  /** Undefined when the reference or pattern is not valid modified UTF-7: it matches nothing. */
  pattern: string | undefined;
}

export const LSUB: IMAPCommandSpec<LsubRequest> = {
  name: 'LSUB',
  parse(command, options) {
    expectArgCount(command, 2);
    const utf8 = { utf8: utf8Enabled(options.enabled) };
    const reference = decodedMailboxName(arg(command, 0), utf8);
    const pattern = decodedMailboxName(arg(command, 1), utf8);
    return { tag: command.tag, name: 'LSUB', reference: reference ?? '', pattern: reference === undefined ? undefined : pattern };
  },
};
