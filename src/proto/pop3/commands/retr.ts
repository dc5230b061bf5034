// RETR msg (RFC 1939 §5): the whole message, dot-stuffed.
import type { POP3CommandSpec } from '../pop3-command.js';
import { oneMessage } from '../pop3-command.js';

export const RETR = {
  verb: 'RETR',
  states: ['TRANSACTION'],
  parse: oneMessage('RETR'),
} as const satisfies POP3CommandSpec<'RETR'>;
