// UIDL [msg] (RFC 1939 §7): the unique-id listing of one message or of every message not marked deleted.
import type { POP3CommandSpec } from '../pop3-command.js';
import { optionalMessage } from '../pop3-command.js';

export const UIDL = {
  verb: 'UIDL',
  states: ['TRANSACTION'],
  parse: optionalMessage('UIDL'),
} as const satisfies POP3CommandSpec<'UIDL'>;
