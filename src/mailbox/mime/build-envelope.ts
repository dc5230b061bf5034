// Computes the IMAP envelope (RFC 3501 §7.4.2) of a message from its top-level header fields, keeping raw header text.
import { parseAddressList, type Address } from './parse-address-list.js';
import type { HeaderField } from './read-header-block.js';

/**
 * The envelope of a message. Strings are the raw unfolded header values: RFC 3501 sends ENVELOPE
 * fields undecoded, encoded-words and all. null means the field is absent (or, for an address list,
 * holds no address); sender and replyTo stay null here and envelopeToIMAP defaults them to from.
 */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: Address[] | null;
  sender: Address[] | null;
  replyTo: Address[] | null;
  to: Address[] | null;
  cc: Address[] | null;
  bcc: Address[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

const STRING_FIELDS = { date: 'date', subject: 'subject', 'in-reply-to': 'inReplyTo', 'message-id': 'messageId' } as const;
const ADDRESS_FIELDS = { from: 'from', sender: 'sender', 'reply-to': 'replyTo', to: 'to', cc: 'cc', bcc: 'bcc' } as const;

function addresses(value: string): Address[] | null {
  const list = parseAddressList(value);
  return list.length > 0 ? list : null;
}

/**
 * Builds the envelope. RFC 5322 §3.6 allows each of these fields once; when a message repeats one,
 * the first occurrence is used — the one most readers show — so a From: appended below the original
 * cannot replace the sender clients display. (Dovecot uses the last; this is a deliberate difference.)
 */
export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const envelope: Envelope = {
    date: null,
    subject: null,
    from: null,
    sender: null,
    replyTo: null,
    to: null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
  const seen = new Set<string>();
  for (const field of fields) {
    // The longest envelope field name is 11 characters; skip the rest without lower-casing them.
    if (field.name.length > 11) continue;
    const name = field.name.toLowerCase();
    if (seen.has(name)) continue;
    if (Object.hasOwn(STRING_FIELDS, name)) {
      seen.add(name);
      envelope[STRING_FIELDS[name as keyof typeof STRING_FIELDS]] = field.value;
    } else if (Object.hasOwn(ADDRESS_FIELDS, name)) {
      seen.add(name);
      envelope[ADDRESS_FIELDS[name as keyof typeof ADDRESS_FIELDS]] = addresses(field.value);
    }
  }
  return envelope;
}
