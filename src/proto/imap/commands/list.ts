// LIST [(selection)] reference patterns [RETURN (options)] (RFC 3501 §6.3.8, RFC 9051 §6.3.9, LIST-EXTENDED RFC 5258 §3, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819).
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { decodedMailboxName, keyword, list } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';
import { utf8Enabled } from './imap-command-spec.js';
import type { StatusItem } from './status-items.js';
import { parseStatusItems } from './status-items.js';

/** More patterns than any client sends; each costs a pass over the account's mailboxes. */
export const MAX_LIST_PATTERNS = 32;

export interface ListRequest extends IMAPRequestBase<'LIST'> {
  /** The extended syntax was used (RFC 5258 §3): \NonExistent instead of \Noselect. */
  extended: boolean;
  selectSubscribed: boolean;
  selectSpecialUse: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  /** RETURN (STATUS (…)) (RFC 5819 §2). */
  status?: StatusItem[];
  reference: string;
  /** Mailbox names with `*` and `%` wildcards (compileListPattern); `""` alone asks for the delimiter; none lists nothing. */
  patterns: string[];
}

function parseSelection(value: IMAPValue, request: ListRequest): void {
  request.extended = true;
  for (const item of list(value)) {
    const option = keyword(item);
    if (option === 'SUBSCRIBED') request.selectSubscribed = true;
    else if (option === 'SPECIAL-USE') request.selectSpecialUse = true;
    else if (option === 'RECURSIVEMATCH') request.recursiveMatch = true;
    // REMOTE asks for mailboxes on other servers too (RFC 2193 referrals): there are none.
    else if (option !== 'REMOTE') throw new IMAPSyntaxError(`Unknown LIST selection option ${option.slice(0, 40)}`);
  }
  // RFC 5258 §3: RECURSIVEMATCH alone (or with REMOTE only) is a BAD.
  if (request.recursiveMatch && !request.selectSubscribed) throw new IMAPSyntaxError('RECURSIVEMATCH needs another selection option');
}

function parseReturn(value: IMAPValue, request: ListRequest): void {
  request.extended = true;
  const items = list(value);
  for (let i = 0; i < items.length; i++) {
    const option = keyword(items[i]!);
    if (option === 'SUBSCRIBED') request.returnSubscribed = true;
    // \HasChildren and special-use attributes are in every LIST line anyway (RFC 5258 §4, RFC 6154 §2).
    else if (option === 'CHILDREN' || option === 'SPECIAL-USE') continue;
    else if (option === 'STATUS') request.status = parseStatusItems(items[++i] ?? { type: 'nil' });
    else throw new IMAPSyntaxError(`Unknown LIST return option ${option.slice(0, 40)}`);
  }
}

export const LIST: IMAPCommandSpec<ListRequest> = {
  name: 'LIST',
  parse(command, options) {
    const args = command.args;
    const request: ListRequest = {
      tag: command.tag,
      name: 'LIST',
      extended: false,
      selectSubscribed: false,
      selectSpecialUse: false,
      recursiveMatch: false,
      returnSubscribed: false,
      reference: '',
      patterns: [],
    };
    let i = 0;
    if (args[i]?.type === 'list') parseSelection(args[i++]!, request);
    const reference = args[i++];
    const patterns = args[i++];
    if (!reference || !patterns) throw new IMAPSyntaxError('LIST takes a reference and a mailbox pattern');
    const utf8 = { utf8: utf8Enabled(options.enabled) };
    const referenceName = decodedMailboxName(reference, utf8);
    if (patterns.type === 'list') {
      request.extended = true;
      if (patterns.items.length === 0 || patterns.items.length > MAX_LIST_PATTERNS) throw new IMAPSyntaxError(`LIST takes 1 to ${MAX_LIST_PATTERNS} patterns`);
    }
    const decoded = (patterns.type === 'list' ? patterns.items : [patterns]).map((p) => decodedMailboxName(p, utf8));
    // A reference or pattern that is not valid modified UTF-7 names no mailbox: it matches nothing (an empty LIST, not an error).
    request.reference = referenceName ?? '';
    request.patterns = referenceName === undefined ? [] : decoded.filter((p) => p !== undefined);
    if (args[i]) {
      if (keyword(args[i]!) !== 'RETURN' || !args[i + 1]) throw new IMAPSyntaxError('Expected RETURN (options)');
      parseReturn(args[i + 1]!, request);
      i += 2;
    }
    if (i !== args.length) throw new IMAPSyntaxError('Too many LIST arguments');
    return request;
  },
};
