// Turns one POP3 command line into a typed command, an unknown keyword or a syntax error; hand-written because no POP3 server library of quality exists on npm.
import { AUTH } from './commands/auth.js';
import { CAPA } from './commands/capa.js';
import { DELE } from './commands/dele.js';
import { LIST } from './commands/list.js';
import { NOOP } from './commands/noop.js';
import { PASS } from './commands/pass.js';
import { QUIT } from './commands/quit.js';
import { RETR } from './commands/retr.js';
import { RSET } from './commands/rset.js';
import { STAT } from './commands/stat.js';
import { STLS } from './commands/stls.js';
import { TOP } from './commands/top.js';
import { UIDL } from './commands/uidl.js';
import { USER } from './commands/user.js';
import type { POP3Command, POP3CommandSpec, POP3State, POP3Verb } from './pop3-command.js';

/**
 * Every command we know, by keyword. APOP is deliberately absent: it needs the plain-text password
 * at rest (RFC 1939 §7 computes MD5(timestamp + password) on the server), and Mailward stores only
 * argon2id hashes; it is answered like any unknown command.
 */
export const POP3_COMMANDS = {
  USER,
  PASS,
  STAT,
  LIST,
  RETR,
  DELE,
  NOOP,
  RSET,
  QUIT,
  TOP,
  UIDL,
  CAPA,
  STLS,
  AUTH,
} as const satisfies { [V in POP3Verb]: POP3CommandSpec<V> };

export type ParsedLine =
  | { kind: 'command'; command: POP3Command; states: readonly POP3State[] }
  /** A keyword we do not know; `keyword` is safe to echo (printable ASCII, at most 16 characters). */
  | { kind: 'unknown'; keyword: string }
  /** A known keyword with bad arguments; `message` says what is wrong and never repeats the input. */
  | { kind: 'invalid'; verb: POP3Verb; states: readonly POP3State[]; message: string };

const isVerb = (keyword: string): keyword is POP3Verb => Object.hasOwn(POP3_COMMANDS, keyword);

/** Printable ASCII only, cut short: what a reply may repeat of a client's keyword. */
function echoable(keyword: string): string {
  return keyword.replace(/[^\x21-\x7e]/g, '?').slice(0, 16);
}

/**
 * Parses one line (without CRLF). Keywords are case-insensitive (RFC 1939 §3) and separated from
 * their arguments by one space. NUL and other control characters (tab aside) are refused in
 * every command: no name or password contains them, and they are a classic way to smuggle text
 * past a log or a parser further on.
 */
export function parsePOP3Command(line: string): ParsedLine {
  const space = line.indexOf(' ');
  const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const args = space < 0 ? '' : line.slice(space + 1);
  if (!isVerb(keyword)) return { kind: 'unknown', keyword: echoable(keyword) };
  const spec = POP3_COMMANDS[keyword] as POP3CommandSpec<POP3Verb>;
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(args)) return { kind: 'invalid', verb: keyword, states: spec.states, message: 'Control characters are not allowed' };
  const result = spec.parse(args);
  if (!result.ok) return { kind: 'invalid', verb: keyword, states: spec.states, message: result.message };
  return { kind: 'command', command: result.command, states: spec.states };
}
