// Reading a command's arguments by the grammar each command wants; a mismatch is an IMAPSyntaxError (tagged BAD).
import type { IMAPCommand, IMAPValue } from '../imap-value.js';
import { IMAPRefusal } from '../imap-refusal.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { decodeMailboxUTF7 } from '../mailbox-utf7.js';
import type { SequenceSet } from '../sequence-set.js';
import { formatSequenceSet } from '../sequence-set.js';
import type { IMAPCommandSpec, IMAPGrammarOptions, IMAPRequestBase } from './imap-command-spec.js';
import { utf8Enabled } from './imap-command-spec.js';

export function expectArgCount(command: IMAPCommand, min: number, max = min): void {
  if (command.args.length < min || command.args.length > max) {
    throw new IMAPSyntaxError(min === max ? `${command.name} takes ${min} argument${min === 1 ? '' : 's'}` : `${command.name} takes ${min} to ${max} arguments`);
  }
}

export function arg(command: IMAPCommand, index: number): IMAPValue {
  const value = command.args[index];
  if (!value) throw new IMAPSyntaxError(`${command.name}: missing argument`);
  return value;
}

/** astring (RFC 3501 §9): an atom, a quoted string or a literal; a bare number or NIL is its text. */
export function astring(value: IMAPValue): string {
  switch (value.type) {
    case 'atom':
      if (value.section || value.partial) throw new IMAPSyntaxError('Unexpected section');
      return value.value;
    case 'string':
      return value.value.toString('utf8');
    case 'nil':
      return 'NIL';
    case 'sequence':
      return formatSequenceSet(value.value);
    case 'list':
      throw new IMAPSyntaxError('Expected a string, got a list');
  }
}

/** Like astring, but the bytes as sent (passwords may be any octets). */
export function astringBytes(value: IMAPValue): Buffer {
  return value.type === 'string' ? value.value : Buffer.from(astring(value), 'utf8');
}

/** An atom (command keyword, option name), upper-cased. */
export function keyword(value: IMAPValue): string {
  if (value.type === 'nil') return 'NIL';
  if (value.type !== 'atom' || value.section || value.partial) throw new IMAPSyntaxError('Expected a keyword');
  return value.value.toUpperCase();
}

/**
 * A mailbox name (or LIST pattern) as the account stores it (UTF-8), or undefined when it is not
 * valid modified UTF-7, so that no mailbox can have it. Without UTF-8 enabled the client speaks
 * modified UTF-7 (RFC 3501 §5.1.3); 8-bit text there is outside the grammar, a BAD.
 */
export function decodedMailboxName(value: IMAPValue, options: { utf8: boolean }): string | undefined {
  const text = astring(value);
  if (options.utf8) return text;
  if (/[^\x20-\x7e]/.test(text)) throw new IMAPSyntaxError('Mailbox names must be modified UTF-7 unless UTF8=ACCEPT is enabled');
  return decodeMailboxUTF7(text);
}

/** A mailbox name as the account stores it; one that is not valid modified UTF-7 is a NO [CANNOT] (it is well-formed, and names nothing). */
export function mailboxName(value: IMAPValue, options: { utf8: boolean }): string {
  const decoded = decodedMailboxName(value, options);
  if (decoded === undefined) throw new IMAPRefusal('Invalid modified UTF-7 in mailbox name', 'CANNOT');
  return decoded;
}

export function sequenceSet(value: IMAPValue): SequenceSet {
  if (value.type !== 'sequence') throw new IMAPSyntaxError('Expected a sequence set');
  return value.value;
}

/** A number (nz-number or number, RFC 3501 §9) up to 2^63; the parser gives plain numbers as sequence sets. */
export function numberArg(value: IMAPValue): number {
  const text = value.type === 'sequence' ? formatSequenceSet(value.value) : value.type === 'atom' ? value.value : '';
  if (!/^[0-9]{1,19}$/.test(text)) throw new IMAPSyntaxError('Expected a number');
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new IMAPSyntaxError('Number too large');
  return n;
}

export function list(value: IMAPValue): IMAPValue[] {
  if (value.type !== 'list') throw new IMAPSyntaxError('Expected a parenthesized list');
  return value.items;
}

/** The mailbox name at `index`, in the encoding the session uses (see utf8Enabled). */
export function mailboxArg(command: IMAPCommand, index: number, options: IMAPGrammarOptions): string {
  return mailboxName(arg(command, index), { utf8: utf8Enabled(options.enabled) });
}

/** The grammar of a command that takes no arguments. */
export function noArguments<N extends string>(name: N): IMAPCommandSpec<IMAPRequestBase<N>> {
  return {
    name,
    parse(command) {
      expectArgCount(command, 0);
      return { tag: command.tag, name };
    },
  };
}

/** The request of a command with one argument, under `key`. */
export type OneArgumentRequest<N extends string, K extends string, V> = IMAPRequestBase<N> & { [P in K]: V };

/** The grammar of a command that takes one argument, read by `read`. */
export function oneArgument<N extends string, K extends string, V>(name: N, key: K, read: (value: IMAPValue, options: IMAPGrammarOptions) => V): IMAPCommandSpec<OneArgumentRequest<N, K, V>> {
  type R = OneArgumentRequest<N, K, V>;
  return {
    name: name as R['name'],
    parse(command, options) {
      expectArgCount(command, 1);
      return { tag: command.tag, name, [key]: read(arg(command, 0), options) } as R;
    },
  };
}

export type MailboxRequest<N extends string> = OneArgumentRequest<N, 'mailbox', string>;

/** The grammar of a command whose one argument is a mailbox name (DELETE, SUBSCRIBE …). */
export function oneMailbox<N extends string>(name: N): IMAPCommandSpec<MailboxRequest<N>> {
  return oneArgument(name, 'mailbox', (value, options) => mailboxName(value, { utf8: utf8Enabled(options.enabled) }));
}
