// FETCH and UID FETCH sequence-set items [modifiers] (RFC 3501 §6.4.5, §6.4.8, RFC 9051 §6.4.5, CHANGEDSINCE/VANISHED of RFC 7162 §3.1.4, §3.2.6).
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import type { SequenceSet } from '../sequence-set.js';
import { arg, expectArgCount, sequenceSet } from './command-args.js';
import type { FetchAttributes } from './fetch-items.js';
import { parseFetchAttributes } from './fetch-items.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface FetchRequest extends IMAPRequestBase<'FETCH' | 'UID FETCH'>, FetchAttributes {
  /** UID FETCH: the set names UIDs. */
  uid: boolean;
  set: SequenceSet;
}

function fetchGrammar<N extends FetchRequest['name']>(name: N): IMAPCommandSpec<FetchRequest & { name: N }> {
  const uid = name === 'UID FETCH';
  return {
    name,
    parse(command, options) {
      expectArgCount(command, 2, 3);
      const attributes = parseFetchAttributes(arg(command, 1), command.args[2]);
      // RFC 7162 §3.2.6: VANISHED only with UID FETCH, QRESYNC enabled and CHANGEDSINCE.
      if (attributes.vanished && (!uid || !options.enabled.has('QRESYNC') || attributes.changedSince === undefined)) {
        throw new IMAPSyntaxError('VANISHED needs UID FETCH, ENABLE QRESYNC and CHANGEDSINCE');
      }
      return { tag: command.tag, name, uid, set: sequenceSet(arg(command, 0)), ...attributes };
    },
  };
}

export const FETCH = fetchGrammar('FETCH');
export const UID_FETCH = fetchGrammar('UID FETCH');
