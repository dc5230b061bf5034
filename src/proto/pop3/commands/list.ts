// LIST [msg] (RFC 1939 §5): the size of one message or of every message not marked deleted.
import type { POP3CommandSpec } from '../pop3-command.js';
import { optionalMessage } from '../pop3-command.js';

export const LIST = {
  verb: 'LIST',
  states: ['TRANSACTION'],
  parse: optionalMessage('LIST'),
} as const satisfies POP3CommandSpec<'LIST'>;
