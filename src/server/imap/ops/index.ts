// The ops table: one op per command (RFC name as the key; UID forms as "UID FETCH"), and the lookup the connection uses.
import type { IMAPCommand } from '../../../proto/imap/imap-value.js';
import type { IMAPOp } from '../imap-context.js';
import { MAILBOX_OPS } from './mailbox-ops.js';
import { MESSAGE_OPS } from './message-ops.js';
import { SESSION_OPS } from './session-ops.js';

const OPS: Readonly<Record<string, IMAPOp>> = { ...SESSION_OPS, ...MAILBOX_OPS, ...MESSAGE_OPS };

/**
 * The op for a command. `UID FETCH …` is looked up as "UID FETCH" with the subcommand taken off
 * the arguments (the command object is changed in place so the op sees its own arguments).
 */
export function opFor(command: IMAPCommand): IMAPOp | undefined {
  if (command.name === 'UID') {
    const sub = command.args[0];
    if (!sub || sub.type !== 'atom' || sub.section || sub.partial) return undefined;
    const name = `UID ${sub.value.toUpperCase()}`;
    const op = Object.hasOwn(OPS, name) ? OPS[name] : undefined;
    if (op) {
      command.name = name;
      command.args = command.args.slice(1);
    }
    return op;
  }
  return Object.hasOwn(OPS, command.name) ? OPS[command.name] : undefined;
}
