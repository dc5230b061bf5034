// DELE msg (RFC 1939 §5): marks a message deleted; it is removed only at QUIT.
import type { POP3CommandSpec } from '../pop3-command.js';
import { oneMessage } from '../pop3-command.js';

export const DELE = {
  verb: 'DELE',
  states: ['TRANSACTION'],
  parse: oneMessage('DELE'),
} as const satisfies POP3CommandSpec<'DELE'>;
