// CREATE mailbox [(USE (attributes))] (RFC 3501 §6.3.3, RFC 9051 §6.3.4, CREATE-SPECIAL-USE of RFC 6154 §3).
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { expectArgCount, keyword, list, mailboxArg } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface CreateRequest extends IMAPRequestBase<'CREATE'> {
  /** As sent: a trailing hierarchy delimiter is the server's to read (RFC 3501 §6.3.3). */
  mailbox: string;
  /** The special uses asked for, without their backslash (`Drafts`); unknown ones too, for the USEATTR answer. */
  uses: string[];
}

function requestedUses(params: IMAPValue | undefined): string[] {
  if (!params) return [];
  const items = list(params);
  const uses: string[] = [];
  for (let i = 0; i < items.length; i += 2) {
    if (keyword(items[i]!) !== 'USE') throw new IMAPSyntaxError('Unknown CREATE parameter');
    const value = items[i + 1];
    if (!value) throw new IMAPSyntaxError('USE takes a list of attributes');
    for (const attribute of list(value)) {
      if (attribute.type !== 'atom' || !attribute.value.startsWith('\\')) throw new IMAPSyntaxError('USE takes special-use attributes');
      uses.push(attribute.value.slice(1));
    }
  }
  return uses;
}

export const CREATE: IMAPCommandSpec<CreateRequest> = {
  name: 'CREATE',
  parse(command, options) {
    expectArgCount(command, 1, 2);
    const mailbox = mailboxArg(command, 0, options);
    return { tag: command.tag, name: 'CREATE', mailbox, uses: requestedUses(command.args[1]) };
  },
};
