// The account's mailboxes as LIST and LSUB see them: each name, the levels above it that are no mailbox, subscribed names whose mailbox is gone, and what lies below each.
import type { MailboxRow } from '../../mailbox/index.js';
import { HIERARCHY_DELIMITER, INBOX, parentNames } from '../../mailbox/index.js';

export interface MailboxNode {
  name: string;
  /**
   * The mailbox; undefined for a level that is there only because a mailbox below it is (`a` of
   * `a/b` after `DELETE a`), or for a subscribed name whose mailbox no longer exists.
   */
  row?: MailboxRow;
  /** On the account's subscription list (RFC 3501 §6.3.6), whether or not the mailbox exists. */
  subscribed: boolean;
  /** Whether a mailbox exists below this one (RFC 3348 \HasChildren). */
  hasChildren: boolean;
  /** Subscribed mailboxes below this one (RFC 5258 RECURSIVEMATCH reports them as CHILDINFO). */
  subscribedDescendants: string[];
}

/** INBOX first (clients expect it on top), then level by level, so a parent comes right before its children. */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  if (a === INBOX) return -1;
  if (b === INBOX) return 1;
  const left = a.split(HIERARCHY_DELIMITER);
  const right = b.split(HIERARCHY_DELIMITER);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * Every mailbox, every subscribed name, and every level above one, in listing order. A level above
 * only subscribed names that no longer exist has no children (it is there for RECURSIVEMATCH).
 */
export function buildMailboxTree(rows: readonly MailboxRow[], subscriptions: readonly string[]): MailboxNode[] {
  const nodes = new Map<string, MailboxNode>();
  const nodeOf = (name: string): MailboxNode => {
    let node = nodes.get(name);
    if (!node) {
      node = { name, subscribed: false, hasChildren: false, subscribedDescendants: [] };
      nodes.set(name, node);
    }
    return node;
  };
  for (const row of rows) {
    nodeOf(row.name).row = row;
    for (const parent of parentNames(row.name)) nodeOf(parent).hasChildren = true;
  }
  for (const name of subscriptions) {
    nodeOf(name).subscribed = true;
    for (const parent of parentNames(name)) nodeOf(parent).subscribedDescendants.push(name);
  }
  return [...nodes.values()].sort((a, b) => compareNames(a.name, b.name));
}
