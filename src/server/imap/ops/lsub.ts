// LSUB (RFC 3501 §6.3.9; gone from IMAP4rev2, kept for IMAP4rev1 clients): the subscribed mailboxes that match a pattern.
import { HIERARCHY_DELIMITER, parentNames } from '../../../mailbox/index.js';
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { LsubRequest } from '../../../proto/imap/commands/lsub.js';
import { compileListPattern } from '../../../proto/imap/commands/list-pattern.js';
import * as grammar from '../../../proto/imap/commands/lsub.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';
import { MAILBOX_NAMING } from '../mailbox-naming.js';
import { buildMailboxTree } from '../mailbox-tree.js';
import { wireMailboxName } from '../mailbox-wire-name.js';

export const LSUB: IMAPOp<LsubRequest> = {
  grammar: grammar.LSUB,
  states: AUTHENTICATED,
  async run(context, request) {
    const utf8 = { utf8: context.utf8 };
    if (request.pattern === undefined) return;
    const pattern = compileListPattern(request.reference, request.pattern, MAILBOX_NAMING);
    const accountId = context.session.account!.id;
    const rows = await context.deps.mailboxes.list(accountId);
    const subscriptions = await context.deps.mailboxes.subscriptions(accountId);
    const subscribed = new Set(subscriptions);
    // Levels above a subscribed mailbox that are not subscribed themselves: listed \Noselect for a trailing `%` (RFC 3501 §6.3.9).
    const levels = new Set([...subscribed].flatMap((name) => parentNames(name)).filter((name) => !subscribed.has(name)));
    const out: Buffer[] = [];
    for (const node of buildMailboxTree(rows, subscriptions)) {
      const isSubscribed = subscribed.has(node.name);
      if (!isSubscribed && !(levels.has(node.name) && pattern.listsLevels)) continue;
      if (!pattern.matches(node.name)) continue;
      out.push(untaggedData([{ atom: 'LSUB' }, { list: isSubscribed ? [] : [{ atom: '\\Noselect' }] }, { string: HIERARCHY_DELIMITER }, wireMailboxName(node.name, utf8)], { utf8Accept: context.utf8 }));
    }
    await context.write(out);
  },
};
