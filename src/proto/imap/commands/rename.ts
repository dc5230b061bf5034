// RENAME existing-mailbox new-mailbox (RFC 3501 §6.3.5, RFC 9051 §6.3.6).
import { expectArgCount, mailboxArg } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface RenameRequest extends IMAPRequestBase<'RENAME'> {
  from: string;
  to: string;
}

export const RENAME: IMAPCommandSpec<RenameRequest> = {
  name: 'RENAME',
  parse(command, options) {
    expectArgCount(command, 2);
    return { tag: command.tag, name: 'RENAME', from: mailboxArg(command, 0, options), to: mailboxArg(command, 1, options) };
  },
};
