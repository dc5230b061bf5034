// CAPA (RFC 2449 §5): lists the server's capabilities, in either state; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const CAPA = {
  verb: 'CAPA',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  parse: noArguments('CAPA'),
} as const satisfies POP3CommandSpec<'CAPA'>;
