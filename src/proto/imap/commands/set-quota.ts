// SETQUOTA quota-root (resource limit ...) (RFC 9208 §4.1): read only as far as its shape, since every SETQUOTA is refused.
import { arg, expectArgCount, list } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export const SETQUOTA: IMAPCommandSpec<IMAPRequestBase<'SETQUOTA'>> = {
  name: 'SETQUOTA',
  parse(command) {
    expectArgCount(command, 2);
    list(arg(command, 1));
    return { tag: command.tag, name: 'SETQUOTA' };
  },
};
