// Flags as commands send them (RFC 3501 §2.3.2, §9 flag-list): the five system flags by name, keywords as atoms.
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { formatSequenceSet } from '../sequence-set.js';

/** The five system flags of RFC 3501 §2.3.2 that a client may set (\Recent is the server's). */
export type SystemFlag = 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft';

/** The flags a command names: the system flags it sets, and its keywords as sent. */
export type IMAPFlags = { [F in SystemFlag]?: boolean } & { keywords?: string[] };

/** Longest keyword taken; the grammar has no limit, but every keyword is stored and shown again in FLAGS. */
export const MAX_KEYWORD_LENGTH = 100;

/**
 * flag-keyword = atom (RFC 3501 §9, RFC 9051 §9): 1*ATOM-CHAR, any CHAR but the atom-specials
 * `( ) {` SP CTL `% * " \ ]`. With `\` excluded, no keyword can pass for a system flag.
 */
const ATOM = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e]+$/;

export function isFlagKeyword(text: string): boolean {
  return text.length <= MAX_KEYWORD_LENGTH && ATOM.test(text);
}

const SYSTEM_FLAGS: Record<string, SystemFlag> = {
  '\\SEEN': 'seen',
  '\\ANSWERED': 'answered',
  '\\FLAGGED': 'flagged',
  '\\DELETED': 'deleted',
  '\\DRAFT': 'draft',
};

/** The system flag a `\Name` names (case-insensitive, RFC 3501 §2.3.2), if it is one of the five. */
export function systemFlag(name: string): SystemFlag | undefined {
  return Object.hasOwn(SYSTEM_FLAGS, name.toUpperCase()) ? SYSTEM_FLAGS[name.toUpperCase()] : undefined;
}

/**
 * A flag as sent: an atom. `NIL` and a number are atoms too, so keywords (RFC 3501 §9); the
 * parser reads them as NIL and a sequence set, which are only its guesses.
 */
function flagName(item: IMAPValue): string {
  if (item.type === 'nil') return 'NIL';
  if (item.type === 'sequence') return formatSequenceSet(item.value);
  if (item.type !== 'atom' || item.section || item.partial) throw new IMAPSyntaxError('Expected a flag');
  return item.value;
}

/**
 * A flag list `(\Seen $Label1)` or a single flag. `\Recent` is the server's to set and is
 * ignored (RFC 3501 §2.3.2); any other backslash flag is a BAD.
 */
export function flagList(value: IMAPValue): IMAPFlags {
  const items = value.type === 'list' ? value.items : [value];
  const flags: IMAPFlags = { keywords: [] };
  for (const item of items) {
    const name = flagName(item);
    const system = systemFlag(name);
    if (system) flags[system] = true;
    else if (name.toUpperCase() === '\\RECENT') continue;
    else if (isFlagKeyword(name)) flags.keywords!.push(name);
    else throw new IMAPSyntaxError(`Invalid flag ${name.slice(0, 40)}`);
  }
  return flags;
}
