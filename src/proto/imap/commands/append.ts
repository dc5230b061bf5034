// APPEND mailbox [flag-list] [date-time] literal (RFC 3501 §6.3.11, RFC 9051 §6.3.12), the message also as a literal8 `~{n}` (RFC 3516 §4.4) or in RFC 6855's `UTF8 (~{n})` form.
import { parseIMAPDateTime } from '../imap-date.js';
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { keyword, mailboxArg } from './command-args.js';
import { flagList } from './flag-list.js';
import type { IMAPCommandSpec, IMAPGrammarOptions, IMAPRequestBase } from './imap-command-spec.js';
import type { IMAPFlags } from './flag-list.js';

export interface AppendRequest extends IMAPRequestBase<'APPEND'> {
  mailbox: string;
  flags: IMAPFlags;
  /** The date-time given, as milliseconds since the epoch. */
  internalDate?: number;
  message: Buffer;
  /** The message came as a literal8 (RFC 3516 §4.4): it may hold binary content. */
  binary: boolean;
}

/** The message: a literal, or `UTF8 (literal8)` once UTF8=ACCEPT is on (RFC 6855 §4). */
function messageOf(rest: IMAPValue[], options: IMAPGrammarOptions): { value: Buffer; binary?: boolean } {
  const last = rest.pop();
  if (last?.type === 'string') return last;
  const marker = rest.pop();
  if (last?.type === 'list' && marker?.type === 'atom' && keyword(marker) === 'UTF8') {
    // RFC 6855 §4: only a client that enabled UTF8=ACCEPT may send it; any other gets a BAD.
    if (!options.enabled.has('UTF8=ACCEPT')) throw new IMAPSyntaxError('APPEND UTF8 needs ENABLE UTF8=ACCEPT');
    const [data, ...extra] = last.items;
    if (data?.type !== 'string' || extra.length > 0) throw new IMAPSyntaxError('APPEND UTF8 takes one literal');
    return data;
  }
  throw new IMAPSyntaxError('APPEND takes the message as a literal');
}

/** Whether a literal8 appears in these values, at any depth. */
function holdsLiteral8(values: readonly IMAPValue[]): boolean {
  return values.some((value) => (value.type === 'string' && value.binary === true) || (value.type === 'list' && holdsLiteral8(value.items)));
}

export const APPEND: IMAPCommandSpec<AppendRequest> = {
  name: 'APPEND',
  parse(command, options) {
    const rest = command.args.slice(1);
    const message = messageOf(rest, options);
    // RFC 3516 §4.4: a literal8 is the message or nothing; the mailbox, flags and date are astrings and atoms.
    if (holdsLiteral8([...command.args.slice(0, 1), ...rest])) throw new IMAPSyntaxError('Only the message may be a literal8');
    const mailbox = mailboxArg(command, 0, options);
    // What is left is `[flag-list] [date-time]`, in that order (RFC 3501 §9 append); MULTIAPPEND is not offered.
    let flags: IMAPFlags = {};
    let internalDate: number | undefined;
    if (rest[0]?.type === 'list') flags = flagList(rest.shift()!);
    const date = rest.shift();
    if (date) {
      if (date.type !== 'string') throw new IMAPSyntaxError('Expected a date-time in quotes');
      const parsed = parseIMAPDateTime(date.value.toString('latin1'));
      if (!parsed) throw new IMAPSyntaxError('Invalid date-time');
      internalDate = parsed.date.getTime();
    }
    if (rest.length > 0) throw new IMAPSyntaxError('Too many APPEND arguments');
    return { tag: command.tag, name: 'APPEND', mailbox, flags, message: message.value, binary: message.binary === true, ...(internalDate !== undefined ? { internalDate } : {}) };
  },
};
