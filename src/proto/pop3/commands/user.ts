// USER name (RFC 1939 §7): names the mailbox for the following PASS.
import type { POP3CommandSpec } from '../pop3-command.js';
import { utf8Of } from '../pop3-command.js';

export const USER = {
  verb: 'USER',
  states: ['AUTHORIZATION'],
  parse(args) {
    // One name, no spaces: addresses have none, and a space usually means a confused client.
    const name = args.trim();
    if (name === '' || /\s/.test(name)) return { ok: false, message: 'USER needs one name' };
    return { ok: true, command: { verb: 'USER', name: utf8Of(name) } };
  },
} as const satisfies POP3CommandSpec<'USER'>;
