// The UID command (RFC 3501 §6.4.8) is a prefix: `UID FETCH …` is the command "UID FETCH" with FETCH's own arguments.
import type { IMAPCommand } from '../imap-value.js';

/**
 * The command under the name its grammar knows it by: unchanged unless it is UID, then named
 * "UID <subcommand>" without the subcommand among its arguments; undefined for a UID with no
 * subcommand (a bare number, a list, nothing).
 */
export function foldUIDSubcommand(command: IMAPCommand): IMAPCommand | undefined {
  if (command.name !== 'UID') return command;
  const sub = command.args[0];
  if (!sub || sub.type !== 'atom' || sub.section || sub.partial) return undefined;
  return { tag: command.tag, name: `UID ${sub.value.toUpperCase()}`, args: command.args.slice(1) };
}
