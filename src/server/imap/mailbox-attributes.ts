// The name attributes of a LIST or LSUB line: CHILDREN (RFC 3348), special use (RFC 6154), \Subscribed and \NonExistent (RFC 5258).
import type { MailboxNode } from './mailbox-tree.js';

export interface MailboxAttributeOptions {
  /**
   * Extended LIST (RFC 5258) or IMAP4rev2: a level that is no mailbox is `\NonExistent` (which
   * implies \Noselect). A plain IMAP4rev1 LIST says `\Noselect`, the only word RFC 3501 has for it.
   */
  extended: boolean;
  /** Whether `\Subscribed` is reported (SUBSCRIBED selection or return option, RFC 5258 §3). */
  subscribed: boolean;
}

export function mailboxAttributes(node: MailboxNode, options: MailboxAttributeOptions): string[] {
  const out: string[] = [];
  if (!node.row) out.push(options.extended ? '\\NonExistent' : '\\Noselect');
  // Sent in every LIST, not only with RETURN (CHILDREN): RFC 5258 §4 lets the server, and clients of RFC 3348 expect it.
  out.push(node.hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  if (node.row?.special_use) out.push(`\\${node.row.special_use}`);
  if (options.subscribed && node.subscribed) out.push('\\Subscribed');
  return out;
}
