// The POP3 commands as typed values (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH) and the states each one is valid in.

/** RFC 1939 §3. UPDATE has no commands of its own: it is what QUIT does in TRANSACTION. */
export type POP3State = 'AUTHORIZATION' | 'TRANSACTION';

export type POP3Command =
  | { verb: 'USER'; name: string }
  | { verb: 'PASS'; secret: string }
  | { verb: 'STAT' }
  | { verb: 'LIST'; message?: number }
  | { verb: 'RETR'; message: number }
  | { verb: 'DELE'; message: number }
  | { verb: 'NOOP' }
  | { verb: 'RSET' }
  | { verb: 'QUIT' }
  | { verb: 'TOP'; message: number; lines: number }
  | { verb: 'UIDL'; message?: number }
  | { verb: 'CAPA' }
  | { verb: 'STLS' }
  /** Without a mechanism: list the mechanisms (what many clients probe with before RFC 5034). */
  | { verb: 'AUTH'; mechanism?: string; initialResponse?: string };

export type POP3Verb = POP3Command['verb'];

export type CommandOf<V extends POP3Verb> = Extract<POP3Command, { verb: V }>;

/** What a command's parser makes of its arguments: the command, or a reason to show after -ERR. */
export type ArgumentsResult<V extends POP3Verb> = { ok: true; command: CommandOf<V> } | { ok: false; message: string };

/** One command's grammar and where it may be used (docs/architecture.md: one command per file). */
export interface POP3CommandSpec<V extends POP3Verb> {
  verb: V;
  states: readonly POP3State[];
  /** `args` is the text after the keyword and one space ('' when there is none), latin1. */
  parse(args: string): ArgumentsResult<V>;
}

/** Message numbers fit a 32-bit signed integer: more than any maildrop will hold, and never a float. */
export const MAX_MESSAGE_NUMBER = 2_147_483_647;

/** A decimal message number from 1; anything else (signs, 0, hex, spaces) is refused. */
export function parseMessageNumber(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_MESSAGE_NUMBER ? n : undefined;
}

/** A non-negative decimal count (TOP's line count). */
export function parseCount(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_MESSAGE_NUMBER ? n : undefined;
}

/** Arguments split on spaces (RFC 1939 §3: separated by a single space; runs are tolerated). */
export function splitArguments(args: string): string[] {
  return args === '' ? [] : args.split(/ +/).filter((a) => a !== '');
}

/** The parse() of a command with no arguments. */
export function noArguments<V extends POP3Verb>(verb: V): (args: string) => ArgumentsResult<V> {
  return (args) => (splitArguments(args).length === 0 ? { ok: true, command: { verb } as CommandOf<V> } : { ok: false, message: `${verb} takes no arguments` });
}

/** The parse() of LIST and UIDL: no argument, or one message number. */
export function optionalMessage<V extends 'LIST' | 'UIDL'>(verb: V): (args: string) => ArgumentsResult<V> {
  return (args) => {
    const parts = splitArguments(args);
    if (parts.length === 0) return { ok: true, command: { verb } as CommandOf<V> };
    if (parts.length > 1) return { ok: false, message: `${verb} takes at most one message number` };
    const message = parseMessageNumber(parts[0]!);
    if (message === undefined) return { ok: false, message: 'Invalid message number' };
    return { ok: true, command: { verb, message } as CommandOf<V> };
  };
}

/** The parse() of RETR and DELE: exactly one message number. */
export function oneMessage<V extends 'RETR' | 'DELE'>(verb: V): (args: string) => ArgumentsResult<V> {
  return (args) => {
    const parts = splitArguments(args);
    if (parts.length !== 1) return { ok: false, message: `${verb} needs one message number` };
    const message = parseMessageNumber(parts[0]!);
    if (message === undefined) return { ok: false, message: 'Invalid message number' };
    return { ok: true, command: { verb, message } as CommandOf<V> };
  };
}

/** Text the client sent as latin1, read back as the UTF-8 it almost always is (names and passwords). */
export function utf8Of(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}
