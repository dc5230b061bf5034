// TOP msg n (RFC 1939 §7): the header, the blank line and the first n body lines of a message.
import type { POP3CommandSpec } from '../pop3-command.js';
import { parseCount, parseMessageNumber, splitArguments } from '../pop3-command.js';

export const TOP = {
  verb: 'TOP',
  states: ['TRANSACTION'],
  parse(args) {
    const parts = splitArguments(args);
    if (parts.length !== 2) return { ok: false, message: 'TOP needs a message number and a line count' };
    const message = parseMessageNumber(parts[0]!);
    if (message === undefined) return { ok: false, message: 'Invalid message number' };
    const lines = parseCount(parts[1]!);
    if (lines === undefined) return { ok: false, message: 'Invalid line count' };
    return { ok: true, command: { verb: 'TOP', message, lines } };
  },
} as const satisfies POP3CommandSpec<'TOP'>;
