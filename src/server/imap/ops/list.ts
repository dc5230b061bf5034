// LIST (RFC 3501 §6.3.8, RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154), CHILDREN (RFC 3348) and LIST-STATUS (RFC 5819).
import { HIERARCHY_DELIMITER } from '../../../mailbox/index.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { ResponseValue } from '../../../proto/imap/imap-response.js';
import type { ListRequest } from '../../../proto/imap/commands/list.js';
import { compileListPattern } from '../../../proto/imap/commands/list-pattern.js';
import type { ListPattern } from '../../../proto/imap/commands/list-pattern.js';
import * as grammar from '../../../proto/imap/commands/list.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { mailboxAttributes } from '../mailbox-attributes.js';
import { MAILBOX_NAMING } from '../mailbox-naming.js';
import { statusResponse } from '../mailbox-status.js';
import { buildMailboxTree } from '../mailbox-tree.js';
import type { MailboxNode } from '../mailbox-tree.js';
import { wireMailboxName } from '../mailbox-wire-name.js';

/** Whether a node is listed, and the CHILDINFO it gets (RFC 5258 §3.5 RECURSIVEMATCH). */
function selects(node: MailboxNode, patterns: readonly ListPattern[], request: ListRequest): { listed: boolean; childInfo: boolean } {
  const matching = patterns.filter((p) => p.matches(node.name));
  if (matching.length === 0) return { listed: false, childInfo: false };
  if (request.selectSubscribed || request.selectSpecialUse) {
    // A subscribed name whose mailbox is gone is listed too, as \NonExistent (RFC 5258 §3.1).
    const satisfies = (!request.selectSubscribed || node.subscribed) && (!request.selectSpecialUse || (node.row !== undefined && node.row.special_use !== null));
    // A subscribed mailbox below that the pattern itself does not reach.
    const childInfo = request.recursiveMatch && node.subscribedDescendants.some((name) => !patterns.some((p) => p.matches(name)));
    return { listed: satisfies || childInfo, childInfo };
  }
  // A level that is no mailbox is listed only for a pattern ending in `%` (RFC 3501 §6.3.8), and only when a mailbox lies below it.
  return { listed: node.row !== undefined || (node.hasChildren && matching.some((p) => p.listsLevels)), childInfo: false };
}

export const LIST: IMAPOp<ListRequest> = {
  grammar: grammar.LIST,
  states: AUTHENTICATED,
  async run(context, request) {
    const { session, deps } = context;
    const rev2 = session.enabled.has('IMAP4REV2');
    const options = { utf8Accept: context.utf8 };
    if (request.patterns.length === 1 && request.patterns[0] === '') {
      // `LIST "" ""`: the hierarchy delimiter and the root, which is "" for names that are not rooted (RFC 3501 §6.3.8).
      await context.write(untaggedData([{ atom: 'LIST' }, { list: [{ atom: '\\Noselect' }] }, { string: HIERARCHY_DELIMITER }, { string: '' }], options));
      return;
    }
    const patterns = request.patterns.filter((p) => p !== '').map((p) => compileListPattern(request.reference, p, MAILBOX_NAMING));
    const accountId = session.account!.id;
    const nodes = buildMailboxTree(await deps.mailboxes.list(accountId), await deps.mailboxes.subscriptions(accountId));
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
