// STAT (RFC 1939 §5): message count and octets of the maildrop, without the deleted ones; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const STAT = {
  verb: 'STAT',
  states: ['TRANSACTION'],
  parse: noArguments('STAT'),
} as const satisfies POP3CommandSpec<'STAT'>;
