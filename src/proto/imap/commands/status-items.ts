// STATUS data items (RFC 3501 §6.3.10, RFC 9051 §6.3.11, CONDSTORE RFC 7162, SIZE RFC 8438, APPENDLIMIT RFC 7889), read by STATUS and LIST-STATUS (RFC 5819).
import type { IMAPValue } from '../imap-value.js';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { keyword, list } from './command-args.js';

export const STATUS_ITEMS = ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'DELETED', 'SIZE', 'HIGHESTMODSEQ', 'APPENDLIMIT'] as const;
export type StatusItem = (typeof STATUS_ITEMS)[number];

/** `(MESSAGES UNSEEN)`: at least one item, each known (an unknown one is a BAD, RFC 3501 §9 status-att). */
export function parseStatusItems(value: IMAPValue): StatusItem[] {
  const items = list(value).map(keyword);
  if (items.length === 0) throw new IMAPSyntaxError('STATUS needs at least one data item');
  const out: StatusItem[] = [];
  for (const item of items) {
    if (!(STATUS_ITEMS as readonly string[]).includes(item)) throw new IMAPSyntaxError(`Unknown STATUS item ${item.slice(0, 40)}`);
    if (!out.includes(item as StatusItem)) out.push(item as StatusItem);
  }
  return out;
}
