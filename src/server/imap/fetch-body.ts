// Maps a FETCH body section to byte ranges of the stored message through its cached MIME structure, filters header fields and names the part BINARY decodes.
import type { MIMEPart } from '../../mailbox/mime/index.js';
import { findMIMEPart } from '../../mailbox/mime/index.js';
import type { IMAPPartial } from '../../proto/imap/imap-value.js';
import type { FetchSection } from '../../proto/imap/commands/fetch-items.js';

/** [start, end) of the blob. */
export interface ByteRange {
  start: number;
  end: number;
}

function isEmbeddedMessage(part: MIMEPart): boolean {
  return part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global') && part.children.length === 1;
}

/**
 * The message whose HEADER/TEXT a section means: the top-level one for part '', else the message
 * embedded in a message/rfc822 part (RFC 3501 §6.4.5); null when the part is not such a message.
 */
function messageAt(root: MIMEPart, part: string): MIMEPart | null {
  if (part === '') return root;
  const target = findMIMEPart(root, part);
  return target && isEmbeddedMessage(target) ? (target.children[0] ?? null) : null;
}

/**
 * The bytes a section names (for HEADER.FIELDS, the header block to filter), or null when the part
 * does not exist, which FETCH answers with NIL.
 */
export function sectionRange(root: MIMEPart, section: FetchSection, size: number): ByteRange | null {
  switch (section.kind) {
    case 'full':
      return { start: 0, end: size };
    case 'part': {
      const target = findMIMEPart(root, section.part);
      return target ? { start: target.bodyStart, end: target.bodyEnd } : null;
    }
    case 'mime': {
      const target = findMIMEPart(root, section.part);
      return target ? { start: target.headerStart, end: target.headerEnd } : null;
    }
    case 'header':
    case 'fields': {
      const message = messageAt(root, section.part);
      return message ? { start: message.headerStart, end: message.headerEnd } : null;
    }
    case 'text': {
      const message = messageAt(root, section.part);
      return message ? { start: message.bodyStart, end: message.bodyEnd } : null;
    }
  }
}

/** `<start.length>` applied to content of `length` bytes (RFC 3501 §6.4.5: past the end is empty). */
export function applyPartial(range: ByteRange, partial: IMAPPartial | undefined): ByteRange {
  if (!partial) return range;
  const start = Math.min(range.start + partial.start, range.end);
  return { start, end: Math.min(start + partial.length, range.end) };
}

/** `<start.length>` of bytes already in memory (a filtered header, a decoded BINARY part). */
export function partialOf(bytes: Buffer, partial: IMAPPartial | undefined): Buffer {
  const { start, end } = applyPartial({ start: 0, end: bytes.length }, partial);
  return bytes.subarray(start, end);
}

/**
 * HEADER.FIELDS / HEADER.FIELDS.NOT: the matching fields exactly as stored (folding kept), then the
 * blank line that ends a header (RFC 3501 §6.4.5: the delimiting blank line is included).
 */
export function filterHeaderFields(header: Buffer, names: readonly string[], options: { not: boolean }): Buffer {
  const wanted = new Set(names);
  const out: Buffer[] = [];
  let keep = false;
  let pos = 0;
  while (pos < header.length) {
    const lf = header.indexOf(0x0a, pos);
    const next = lf === -1 ? header.length : lf + 1;
    const first = header[pos];
    if (first === 0x0d || first === 0x0a) break;
    if (first !== 0x20 && first !== 0x09) {
      const colon = header.indexOf(0x3a, pos);
      const name = colon !== -1 && colon < next ? header.toString('latin1', pos, colon).trim().toLowerCase() : '';
      keep = name !== '' && wanted.has(name) !== options.not;
    }
    if (keep) out.push(header.subarray(pos, next));
    pos = next;
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/**
 * The part BINARY[part] names and the transfer encoding to undo; null when it does not exist. The
 * structure is asked for only when a part is named: BINARY[] is the whole message as stored.
 */
export function binaryPart(root: () => MIMEPart, part: string, size: number): { range: ByteRange; encoding: string } | null {
  if (part === '') return { range: { start: 0, end: size }, encoding: '7BIT' };
  const target = findMIMEPart(root(), part);
  if (!target) return null;
  // Only leaf parts carry a transfer encoding of their own; a multipart or message body is sent as stored.
  const leaf = target.type !== 'multipart' && !isEmbeddedMessage(target);
  return { range: { start: target.bodyStart, end: target.bodyEnd }, encoding: leaf ? target.encoding : '7BIT' };
}
