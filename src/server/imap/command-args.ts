// Reading a command's arguments by the grammar each command wants; a mismatch is an IMAPSyntaxError (tagged BAD).
import type { MessageFlags } from '../../mailbox/index.js';
import { isValidKeyword } from '../../mailbox/index.js';
import { decodeMailboxUTF7 } from '../../proto/imap/mailbox-utf7.js';
import type { IMAPCommand, IMAPValue } from '../../proto/imap/imap-value.js';
import type { SequenceSet } from '../../proto/imap/sequence-set.js';
import { formatSequenceSet } from '../../proto/imap/sequence-set.js';
import { IMAPSyntaxError } from './imap-context.js';

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
 * A mailbox name as the account stores it (UTF-8). Without UTF-8 enabled the client speaks
 * modified UTF-7 (RFC 3501 §5.1.3); a name that is not valid modified UTF-7 is a BAD.
 */
export function mailboxName(value: IMAPValue, options: { utf8: boolean }): string {
  const text = astring(value);
  if (options.utf8) return text;
  if (/[^\x20-\x7e]/.test(text)) throw new IMAPSyntaxError('Mailbox names must be modified UTF-7 unless UTF8=ACCEPT is enabled');
  const decoded = decodeMailboxUTF7(text);
  if (decoded === undefined) throw new IMAPSyntaxError('Invalid modified UTF-7 in mailbox name');
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

const SYSTEM_FLAGS: Record<string, keyof Omit<MessageFlags, 'keywords'>> = {
  '\\SEEN': 'seen',
  '\\ANSWERED': 'answered',
  '\\FLAGGED': 'flagged',
  '\\DELETED': 'deleted',
  '\\DRAFT': 'draft',
};

/**
 * A flag list `(\Seen $Label1)` or a single flag. `\Recent` is the server's to set and is
 * ignored (RFC 3501 §2.3.2); any other backslash flag is a BAD.
 */
export function flagList(value: IMAPValue): MessageFlags {
  const items = value.type === 'list' ? value.items : [value];
  const flags: MessageFlags = { keywords: [] };
  for (const item of items) {
    if (item.type !== 'atom' || item.section || item.partial) throw new IMAPSyntaxError('Expected a flag');
    const upper = item.value.toUpperCase();
    const system = SYSTEM_FLAGS[upper];
    if (system) flags[system] = true;
    else if (upper === '\\RECENT') continue;
    else if (isValidKeyword(item.value)) flags.keywords!.push(item.value);
    else throw new IMAPSyntaxError(`Invalid flag ${item.value.slice(0, 40)}`);
  }
  return flags;
}

/** Flags as IMAP writes them: system flags first, then keywords. */
export function flagNames(row: { seen: number; answered: number; flagged: number; deleted: number; draft: number; keywords: string }, options: { recent?: boolean } = {}): string[] {
  const out: string[] = [];
  if (row.seen) out.push('\\Seen');
  if (row.answered) out.push('\\Answered');
  if (row.flagged) out.push('\\Flagged');
  if (row.deleted) out.push('\\Deleted');
  if (row.draft) out.push('\\Draft');
  if (options.recent) out.push('\\Recent');
  if (row.keywords !== '') out.push(...row.keywords.split(' '));
  return out;
}
