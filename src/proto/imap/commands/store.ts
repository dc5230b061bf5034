// STORE and UID STORE sequence-set [(UNCHANGEDSINCE n)] item flags (RFC 3501 §6.4.6, RFC 9051 §6.4.6, RFC 7162 §3.1.3).
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import type { SequenceSet } from '../sequence-set.js';
import { arg, keyword, list, numberArg, sequenceSet } from './command-args.js';
import type { IMAPFlags } from './flag-list.js';
import { flagList } from './flag-list.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

/** FLAGS replaces, +FLAGS adds, -FLAGS removes. */
export type StoreMode = 'replace' | 'add' | 'remove';

export interface StoreRequest extends IMAPRequestBase<'STORE' | 'UID STORE'> {
  uid: boolean;
  set: SequenceSet;
  /** A modifier list was given: the command uses CONDSTORE (RFC 7162 §3.1). */
  hasModifiers: boolean;
  unchangedSince?: number;
  mode: StoreMode;
  /** `.SILENT`: no untagged FETCH with the new flags (RFC 3501 §6.4.6). */
  silent: boolean;
  flags: IMAPFlags;
}

const MODES: Record<string, StoreMode> = { FLAGS: 'replace', '+FLAGS': 'add', '-FLAGS': 'remove' };

function storeGrammar<N extends StoreRequest['name']>(name: N): IMAPCommandSpec<StoreRequest & { name: N }> {
  return {
    name,
    parse(command) {
      const rest = command.args.slice(1);
      let hasModifiers = false;
      let unchangedSince: number | undefined;
      if (rest[0]?.type === 'list') {
        const modifiers = list(rest.shift()!);
        for (let i = 0; i < modifiers.length; i++) {
          const modifier = keyword(modifiers[i]!);
          if (modifier !== 'UNCHANGEDSINCE' || !modifiers[i + 1]) throw new IMAPSyntaxError(`Unknown STORE modifier ${modifier.slice(0, 40)}`);
          unchangedSince = numberArg(modifiers[++i]!);
        }
        hasModifiers = true;
      }
      if (rest.length < 2) throw new IMAPSyntaxError('STORE takes a message set, a data item and flags');
      const item = keyword(rest[0]!);
      const silent = item.endsWith('.SILENT');
      const base = silent ? item.slice(0, -'.SILENT'.length) : item;
      const mode = Object.hasOwn(MODES, base) ? MODES[base] : undefined;
      if (!mode) throw new IMAPSyntaxError(`Unknown STORE data item ${item.slice(0, 40)}`);
      // The flags are a list or, as RFC 3501 §9 store-att-flags allows, flags separated by spaces.
      const flagArgs = rest.slice(1);
      const flags = flagList(flagArgs.length === 1 ? flagArgs[0]! : { type: 'list', items: flagArgs });
      return {
        tag: command.tag,
        name,
        uid: name === 'UID STORE',
        set: sequenceSet(arg(command, 0)),
        hasModifiers,
        ...(unchangedSince !== undefined ? { unchangedSince } : {}),
        mode,
        silent,
        flags,
      };
    },
  };
}

export const STORE = storeGrammar('STORE');
export const UID_STORE = storeGrammar('UID STORE');
