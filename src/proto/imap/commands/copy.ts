// COPY, MOVE and their UID forms: sequence-set mailbox (RFC 3501 §6.4.7, RFC 6851 §3.1).
import type { SequenceSet } from '../sequence-set.js';
import { arg, expectArgCount, mailboxArg, sequenceSet } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface CopyRequest extends IMAPRequestBase<'COPY' | 'UID COPY' | 'MOVE' | 'UID MOVE'> {
  uid: boolean;
  move: boolean;
  set: SequenceSet;
  mailbox: string;
}

function copyGrammar<N extends CopyRequest['name']>(name: N): IMAPCommandSpec<CopyRequest & { name: N }> {
  return {
    name,
    parse(command, options) {
      expectArgCount(command, 2);
      const set = sequenceSet(arg(command, 0));
      return { tag: command.tag, name, uid: name.startsWith('UID '), move: name.endsWith('MOVE'), set, mailbox: mailboxArg(command, 1, options) };
    },
  };
}

export const COPY = copyGrammar('COPY');
export const UID_COPY = copyGrammar('UID COPY');
export const MOVE = copyGrammar('MOVE');
export const UID_MOVE = copyGrammar('UID MOVE');
