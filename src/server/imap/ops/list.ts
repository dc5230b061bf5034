// LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154), CHILDREN (RFC 3348) and LIST-STATUS (RFC 5819).
import { HIERARCHY_DELIMITER } from '../../../mailbox/index.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import type { IMAPCommand, IMAPValue } from '../../../proto/imap/imap-value.js';
import { keyword, list, mailboxName } from '../command-args.js';
import type { IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED, IMAPSyntaxError } from '../imap-context.js';
import { compileListPattern } from '../list-pattern.js';
import type { ListPattern } from '../list-pattern.js';
import { mailboxAttributes } from '../mailbox-attributes.js';
import type { StatusItem } from '../mailbox-status.js';
import { parseStatusItems, statusResponse } from '../mailbox-status.js';
import { buildMailboxTree } from '../mailbox-tree.js';
import type { MailboxNode } from '../mailbox-tree.js';
import { wireMailboxName } from '../mailbox-wire-name.js';

/** More patterns than any client sends; each costs a pass over the account's mailboxes. */
const MAX_PATTERNS = 32;

interface ListRequest {
  /** The extended syntax was used (RFC 5258 §3): \NonExistent instead of \Noselect. */
  extended: boolean;
  selectSubscribed: boolean;
  selectSpecialUse: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  status?: StatusItem[];
  reference: string;
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

function parseRequest(context: IMAPCommandContext, command: IMAPCommand): ListRequest {
  const args = command.args;
  const request: ListRequest = { extended: false, selectSubscribed: false, selectSpecialUse: false, recursiveMatch: false, returnSubscribed: false, reference: '', patterns: [] };
  let i = 0;
  if (args[i]?.type === 'list') parseSelection(args[i++]!, request);
  const reference = args[i++];
  const patterns = args[i++];
  if (!reference || !patterns) throw new IMAPSyntaxError('LIST takes a reference and a mailbox pattern');
  const utf8 = { utf8: context.utf8 };
  request.reference = mailboxName(reference, utf8);
  if (patterns.type === 'list') {
    request.extended = true;
    if (patterns.items.length === 0 || patterns.items.length > MAX_PATTERNS) throw new IMAPSyntaxError(`LIST takes 1 to ${MAX_PATTERNS} patterns`);
    request.patterns = patterns.items.map((p) => mailboxName(p, utf8));
  } else {
    request.patterns = [mailboxName(patterns, utf8)];
  }
  if (args[i]) {
    if (keyword(args[i]!) !== 'RETURN' || !args[i + 1]) throw new IMAPSyntaxError('Expected RETURN (options)');
    parseReturn(args[i + 1]!, request);
    i += 2;
  }
  if (i !== args.length) throw new IMAPSyntaxError('Too many LIST arguments');
  return request;
}

/** Whether a node is listed, and the CHILDINFO it gets (RFC 5258 §3.5 RECURSIVEMATCH). */
function selects(node: MailboxNode, patterns: readonly ListPattern[], request: ListRequest): { listed: boolean; childInfo: boolean } {
  const matching = patterns.filter((p) => p.matches(node.name));
  if (matching.length === 0) return { listed: false, childInfo: false };
  if (request.selectSubscribed || request.selectSpecialUse) {
    const satisfies = node.row !== undefined && (!request.selectSubscribed || node.row.subscribed === 1) && (!request.selectSpecialUse || node.row.special_use !== null);
    // A subscribed mailbox below that the pattern itself does not reach.
    const childInfo = request.recursiveMatch && node.subscribedDescendants.some((name) => !patterns.some((p) => p.matches(name)));
    return { listed: satisfies || childInfo, childInfo };
  }
  // A level that is no mailbox is listed only for a pattern ending in `%` (RFC 3501 §6.3.8).
  return { listed: node.row !== undefined || matching.some((p) => p.listsLevels), childInfo: false };
}

export const LIST: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command) {
    const { session, deps } = context;
    const request = parseRequest(context, command);
    const rev2 = session.enabled.has('IMAP4REV2');
    const options = { utf8Accept: context.utf8 };
    if (request.patterns.length === 1 && request.patterns[0] === '') {
      // `LIST "" ""`: the hierarchy delimiter and the root, which is "" for names that are not rooted (RFC 3501 §6.3.8).
      await context.write(untaggedData([{ atom: 'LIST' }, { list: [{ atom: '\\Noselect' }] }, { string: HIERARCHY_DELIMITER }, { string: '' }], options));
      return;
    }
    const patterns = request.patterns.filter((p) => p !== '').map((p) => compileListPattern(request.reference, p));
    const nodes = buildMailboxTree(await deps.mailboxes.list(session.account!.id));
    const attributeOptions = { extended: request.extended || rev2, subscribed: request.selectSubscribed || request.returnSubscribed };
    for (const node of nodes) {
      const { listed, childInfo } = selects(node, patterns, request);
      if (!listed) continue;
      const values: ResponseValue[] = [
        { atom: 'LIST' },
        { list: mailboxAttributes(node, attributeOptions).map((atom) => ({ atom })) },
        { string: HIERARCHY_DELIMITER },
        wireMailboxName(node.name, { utf8: context.utf8 }),
      ];
      if (childInfo) values.push({ list: [{ string: 'CHILDINFO' }, { list: [{ string: 'SUBSCRIBED' }] }] });
      const out = [untaggedData(values, options)];
      if (request.status && node.row) out.push(await statusResponse(context, node.row, request.status));
      await context.write(out);
    }
  },
};
