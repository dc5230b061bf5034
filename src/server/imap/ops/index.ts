// The ops table: one op per command (RFC name as the key; UID forms as "UID FETCH"), and the lookup the connection uses.
import { foldUIDSubcommand } from '../../../proto/imap/commands/uid-subcommand.js';
import type { IMAPCommand } from '../../../proto/imap/imap-value.js';
import type { IMAPOp } from '../imap-context.js';
import { MAILBOX_OPS } from './mailbox-ops.js';
import { MESSAGE_OPS } from './message-ops.js';
import { SESSION_OPS } from './session-ops.js';

const OPS: Readonly<Record<string, IMAPOp>> = { ...SESSION_OPS, ...MAILBOX_OPS, ...MESSAGE_OPS };

/**
 * The op for a command, and the command as its grammar reads it: `UID FETCH …` is looked up as
 * "UID FETCH", the subcommand taken off its arguments. Undefined for a command we do not know.
 */
export function opFor(command: IMAPCommand): { op: IMAPOp; command: IMAPCommand } | undefined {
  const named = foldUIDSubcommand(command);
  if (!named || !Object.hasOwn(OPS, named.name)) return undefined;
  return { op: OPS[named.name]!, command: named };
}
