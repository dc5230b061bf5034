// STLS (RFC 2595 §4): starts TLS on the plain-text port, before authentication only; no arguments.
import type { POP3CommandSpec } from '../pop3-command.js';
import { noArguments } from '../pop3-command.js';

export const STLS = {
  verb: 'STLS',
  states: ['AUTHORIZATION'],
  parse: noArguments('STLS'),
} as const satisfies POP3CommandSpec<'STLS'>;
