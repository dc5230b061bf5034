// Resolves an IMAP section part number ("1", "2.1.3") to the MIMEPart whose ranges serve BODY[n] and BODY[n.MIME] (RFC 3501 §6.4.5).
import type { MIMEPart } from './message-structure.js';

function isMessage(part: MIMEPart): boolean {
  return part.type === 'message' && part.children.length === 1 && (part.subtype === 'rfc822' || part.subtype === 'global');
}

/**
 * Returns the part numbered `partNumber` below `root`, or null. RFC 3501 §6.4.5: a message that is
 * not multipart has one part, numbered 1, which is its body; the parts of a message/rfc822 part are
 * those of the message it holds. So BODY[n] is [bodyStart, bodyEnd) of the result and BODY[n.MIME]
 * its [headerStart, headerEnd); for n.HEADER and n.TEXT of a message/rfc822 part, use the header
 * and body of its child (the embedded message's root).
 */
export function findMIMEPart(root: MIMEPart, partNumber: string): MIMEPart | null {
  if (!/^[1-9][0-9]*(\.[1-9][0-9]*)*$/.test(partNumber)) return null;
  let current = root;
  let atMessageRoot = true;
  const numbers = partNumber.split('.').map(Number);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i] as number;
    if (i > 0) {
      // Going below a part: only a multipart or an embedded message has sub-parts.
      if (isMessage(current)) {
        current = current.children[0] as MIMEPart;
        atMessageRoot = true;
      } else if (current.type !== 'multipart') {
        return null;
      }
    }
    if (current.type === 'multipart') {
      const child = current.children[n - 1];
      if (child === undefined) return null;
      current = child;
      atMessageRoot = false;
    } else if (n === 1 && atMessageRoot) {
      atMessageRoot = false;
    } else {
      return null;
    }
  }
  return current;
}
