// PASS secret (RFC 1939 §7): the password for the name of USER; the whole rest of the line, spaces included.
import type { POP3CommandSpec } from '../pop3-command.js';
import { utf8Of } from '../pop3-command.js';

export const PASS = {
  verb: 'PASS',
  states: ['AUTHORIZATION'],
  parse(args) {
    // RFC 1939 §7 leaves spaces in passwords to the server; taking the rest of the line verbatim
    // lets them through (trimming would change a password that ends in one).
    if (args === '') return { ok: false, message: 'PASS needs a password' };
    return { ok: true, command: { verb: 'PASS', secret: utf8Of(args) } };
  },
} as const satisfies POP3CommandSpec<'PASS'>;
