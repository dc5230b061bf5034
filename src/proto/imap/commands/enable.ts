// ENABLE capability... (RFC 5161 §3.1): one or more capability names.
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { keyword } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface EnableRequest extends IMAPRequestBase<'ENABLE'> {
  /** Upper-cased, as sent; names the server does not know are the op's to ignore (RFC 5161 §3.1). */
  capabilities: string[];
}

export const ENABLE: IMAPCommandSpec<EnableRequest> = {
  name: 'ENABLE',
  parse(command) {
    if (command.args.length === 0) throw new IMAPSyntaxError('ENABLE needs at least one capability');
    return { tag: command.tag, name: 'ENABLE', capabilities: command.args.map(keyword) };
  },
};
