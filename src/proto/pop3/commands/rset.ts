// RSET (RFC 1939 §5): unmarks every message marked deleted; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const RSET = {
  verb: 'RSET',
  states: ['TRANSACTION'],
  parse: noArguments('RSET'),
} as const satisfies POP3CommandSpec<'RSET'>;
