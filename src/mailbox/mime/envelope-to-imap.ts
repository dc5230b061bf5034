// Writes an Envelope as the parenthesized ENVELOPE of an IMAP FETCH response (RFC 3501 §7.4.2, RFC 9051 §7.5.2).
import type { Envelope } from './build-envelope.js';
import { imapNString } from './imap-string.js';
import type { Address } from './parse-address-list.js';

function addressListToIMAP(list: readonly Address[] | null): string {
  if (list === null || list.length === 0) return 'NIL';
  let out = '(';
  for (const address of list) {
    // `adl` may be missing in structures stored before source routes were kept.
    out += `(${imapNString(address.name)} ${imapNString(address.adl ?? null)} ${imapNString(address.mailbox)} ${imapNString(address.host)})`;
  }
  return `${out})`;
}

/**
 * The ENVELOPE string, parentheses included. RFC 3501 §7.4.2: when Sender or Reply-To is absent (or
 * empty), the server fills in the From value.
 */
export function envelopeToIMAP(envelope: Envelope): string {
  const from = envelope.from !== null && envelope.from.length > 0 ? envelope.from : null;
  const sender = envelope.sender !== null && envelope.sender.length > 0 ? envelope.sender : from;
  const replyTo = envelope.replyTo !== null && envelope.replyTo.length > 0 ? envelope.replyTo : from;
  return [
    `(${imapNString(envelope.date)}`,
    imapNString(envelope.subject),
    addressListToIMAP(from),
    addressListToIMAP(sender),
    addressListToIMAP(replyTo),
    addressListToIMAP(envelope.to),
    addressListToIMAP(envelope.cc),
    addressListToIMAP(envelope.bcc),
    imapNString(envelope.inReplyTo),
    `${imapNString(envelope.messageId)})`,
  ].join(' ');
}
