// SELECT and EXAMINE mailbox [(CONDSTORE | QRESYNC (...))] (RFC 3501 §6.3.1–2, RFC 9051, select parameters of RFC 7162 §3.1.8, §3.2.5).
import type { IMAPCommand, IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import type { SequenceSet } from '../sequence-set.js';
import { keyword, list, mailboxArg, numberArg, sequenceSet } from './command-args.js';
import type { IMAPCommandSpec, IMAPGrammarOptions, IMAPRequestBase } from './imap-command-spec.js';

/** `QRESYNC (uidvalidity modseq [known-uids [seq-match]])`; the sequence match data is read and not used. */
export interface QResyncParameters {
  uidValidity: number;
  modseq: number;
  knownUids?: SequenceSet;
}

export interface SelectRequest extends IMAPRequestBase<'SELECT' | 'EXAMINE'> {
  mailbox: string;
  readOnly: boolean;
  condstore: boolean;
  qresync?: QResyncParameters;
}

function parseParameters(params: IMAPValue | undefined): { condstore: boolean; qresync?: QResyncParameters } {
  if (!params) return { condstore: false };
  const items = list(params);
  let condstore = false;
  let qresync: QResyncParameters | undefined;
  for (let i = 0; i < items.length; i++) {
    const name = keyword(items[i]!);
    if (name === 'CONDSTORE') condstore = true;
    else if (name === 'QRESYNC') {
      const values = list(items[++i] ?? { type: 'nil' });
      if (values.length < 2 || values.length > 4) throw new IMAPSyntaxError('QRESYNC takes (uidvalidity modseq [known-uids [seq-match]])');
      qresync = { uidValidity: numberArg(values[0]!), modseq: numberArg(values[1]!), ...(values[2] ? { knownUids: sequenceSet(values[2]) } : {}) };
    } else throw new IMAPSyntaxError(`Unknown SELECT parameter ${name.slice(0, 40)}`);
  }
  return { condstore, ...(qresync ? { qresync } : {}) };
}

function selectGrammar<N extends SelectRequest['name']>(name: N): IMAPCommandSpec<SelectRequest & { name: N }> {
  return {
    name,
    parse(command: IMAPCommand, options: IMAPGrammarOptions) {
      const mailbox = mailboxArg(command, 0, options);
      if (command.args.length > 2) throw new IMAPSyntaxError(`${command.name} takes a mailbox and optional parameters`);
      const params = parseParameters(command.args[1]);
      // RFC 7162 §3.2.5: the QRESYNC parameter without ENABLE QRESYNC is a BAD.
      if (params.qresync && !options.enabled.has('QRESYNC')) throw new IMAPSyntaxError('ENABLE QRESYNC first');
      return { tag: command.tag, name, mailbox, readOnly: name === 'EXAMINE', ...params };
    },
  };
}

export const SELECT = selectGrammar('SELECT');
export const EXAMINE = selectGrammar('EXAMINE');
