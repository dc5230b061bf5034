// A mailbox name as a response carries it: modified UTF-7 for IMAP4rev1 clients, UTF-8 once UTF8=ACCEPT or IMAP4rev2 is enabled (RFC 6855 §3).
import { encodeMailboxUTF7 } from '../../proto/imap/mailbox-utf7.js';
import type { ResponseValue } from '../../proto/imap/imap-response.js';

/**
 * An astring, so the serializer picks atom, quoted string or literal by what the name holds; a
 * name with `"` or `\` is escaped there, never pasted, so a name cannot break the response line.
 */
export function wireMailboxName(name: string, options: { utf8: boolean }): ResponseValue {
  return { astring: options.utf8 ? name : encodeMailboxUTF7(name) };
}
