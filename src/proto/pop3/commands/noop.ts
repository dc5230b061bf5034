// NOOP (RFC 1939 §5): does nothing, in TRANSACTION only; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const NOOP = {
  verb: 'NOOP',
  states: ['TRANSACTION'],
  parse: noArguments('NOOP'),
} as const satisfies POP3CommandSpec<'NOOP'>;
