// LOGIN userid password (RFC 3501 §6.2.3): two astrings.
import { arg, astring, astringBytes, expectArgCount } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface LoginRequest extends IMAPRequestBase<'LOGIN'> {
  username: string;
  /** The UTF-8 of the bytes as sent: a password may hold any octets, and a literal carries them unchanged. */
  password: string;
}

export const LOGIN: IMAPCommandSpec<LoginRequest> = {
  name: 'LOGIN',
  parse(command) {
    expectArgCount(command, 2);
    return { tag: command.tag, name: 'LOGIN', username: astring(arg(command, 0)), password: astringBytes(arg(command, 1)).toString('utf8') };
  },
};
