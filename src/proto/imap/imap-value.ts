// The generic shape of a parsed IMAP command, before any per-command grammar (hand-written: no IMAP server library of quality exists on npm).
import type { SequenceSet } from './sequence-set.js';

/** `<start.length>` after a section (RFC 3501 §6.4.5 BODY[section]<partial>). */
export interface IMAPPartial {
  start: number;
  length: number;
}

/**
 * One argument. The parser knows no per-command grammar, so it guesses the least surprising
 * type: a bare `NIL` is `nil` and a bare token that is a valid sequence set (including a plain
 * number) is `sequence`; a command whose grammar wants an astring turns them back into text.
 */
export type IMAPValue =
  | { type: 'atom'; value: string; section?: IMAPValue[]; partial?: IMAPPartial }
  /** `binary`: sent as a literal8 `~{n}`, which only APPEND's message may be (RFC 3516 §4.4). */
  | { type: 'string'; value: Buffer; binary?: boolean }
  | { type: 'nil' }
  | { type: 'list'; items: IMAPValue[] }
  | { type: 'sequence'; value: SequenceSet };

export interface IMAPCommand {
  tag: string;
  /** Upper-cased command name (`UID`, `FETCH` …); UID's subcommand stays the first argument. */
  name: string;
  args: IMAPValue[];
}
