// QUIT (RFC 1939 §4, §6): ends the session; in TRANSACTION it enters UPDATE and removes the deleted messages; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const QUIT = {
  verb: 'QUIT',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  parse: noArguments('QUIT'),
} as const satisfies POP3CommandSpec<'QUIT'>;
