// Groups claimed queue rows into SMTP transactions: one message, one sender, one domain, each recipient once.
import type { OutboundRow } from '../../store/index.js';

export interface DeliveryGroup {
  blobId: string;
  mailFrom: string;
  domain: string;
  rows: OutboundRow[];
}

/** RFC 5321 §4.5.3.1.8: servers must accept at least 100 recipients per transaction; never ask for more. */
export const MAX_RECIPIENTS_PER_TRANSACTION = 100;

/**
 * Groups rows by (blob, sender, domain), keeping claim order; a recipient repeated in one group
 * starts another. Through a smarthost every domain takes the same path, so `byDomain: false`
 * groups by message and sender only (the group's domain is then its first row's).
 */
export function groupRows(rows: OutboundRow[], options: { byDomain: boolean } = { byDomain: true }): DeliveryGroup[] {
  const groups: DeliveryGroup[] = [];
  const open = new Map<string, DeliveryGroup>();
  for (const row of rows) {
    const key = `${row.blob_id}\u0000${row.mail_from}\u0000${options.byDomain ? row.domain.toLowerCase() : ''}`;
    let group = open.get(key);
    const full = group !== undefined && group.rows.length >= MAX_RECIPIENTS_PER_TRANSACTION;
    const repeated = group?.rows.some((r) => r.recipient.toLowerCase() === row.recipient.toLowerCase()) ?? false;
    if (!group || full || repeated) {
      group = { blobId: row.blob_id, mailFrom: row.mail_from, domain: row.domain.toLowerCase(), rows: [] };
      groups.push(group);
      open.set(key, group);
    }
    group.rows.push(row);
  }
  return groups;
}
