// A message past the MIME limits, shown from the structure walker's parts (the ones IMAP serves): its headers, the first text and HTML parts, the other parts as attachments, and a count of what is left out.
import { decodeTextPart } from '../../../mailbox/index.js';
import { decodeHeaderValue, decodeTransferEncoding, MISSING_DOMAIN, UnknownTransferEncodingError } from '../../../mailbox/mime/index.js';
import type { Address, MessageStructure, MIMEPart } from '../../../mailbox/mime/index.js';
import type { ContentAddress, ContentAttachment, MessageContent, PartialReason } from './message-content.js';

/** Leaves of the walker's tree in document order; its depth is bounded by MAX_MIME_DEPTH, so recursion is safe. */
export function leafParts(part: MIMEPart, out: MIMEPart[] = []): MIMEPart[] {
  if (part.children.length === 0) out.push(part);
  else for (const child of part.children) leafParts(child, out);
  return out;
}

/** A file name is shown in a list and sent in a header: a hostile one of a megabyte is cut. */
const MAX_FILENAME = 255;

function addresses(list: Address[] | null): ContentAddress[] {
  // Group start and end markers (RFC 3501 §7.4.2) have no host; their members are listed between them.
  return (list ?? [])
    .filter((a) => a.host !== null && a.mailbox !== null)
    .map((a) => ({ name: a.name === null ? '' : decodeHeaderValue(a.name), address: a.host === MISSING_DOMAIN ? (a.mailbox as string) : `${a.mailbox}@${a.host}` }));
}

function headerText(value: string | null): string | undefined {
  return value === null ? undefined : decodeHeaderValue(value).trim();
}

function dateOf(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The part's bytes with its transfer encoding undone; an encoding no one knows leaves them as stored. */
function decodedBody(raw: Buffer, part: MIMEPart): Buffer {
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  try {
    return decodeTransferEncoding(body, part.encoding);
  } catch (error) {
    if (error instanceof UnknownTransferEncodingError) return body;
    throw error;
  }
}

function isEmpty(part: MIMEPart): boolean {
  return part.headerStart === part.headerEnd && part.bodyStart === part.bodyEnd;
}

/** Extensions for the parts a partial view lists without a name of their own (text parts past the first, mostly). */
const EXTENSIONS: Record<string, string> = { 'text/plain': '.txt', 'text/html': '.html' };

function attachmentOf(raw: Buffer, part: MIMEPart, index: number): ContentAttachment {
  const contentType = `${part.type}/${part.subtype}`;
  const declared = part.disposition?.params['filename'] ?? part.params['name'];
  const filename = (declared === undefined ? '' : decodeHeaderValue(declared).trim()).slice(0, MAX_FILENAME) || `attachment-${index + 1}${EXTENSIONS[contentType] ?? ''}`;
  const cid = part.id?.trim().replace(/^<|>$/g, '') || undefined;
  return {
    filename,
    contentType,
    size: decodedBody(raw, part).length,
    inline: part.disposition?.type === 'inline' && cid !== undefined,
    cid,
    content: () => decodedBody(raw, part),
  };
}

/**
 * The parts past a limit (the opaque part nested too deeply, the part that runs to the end past
 * the part limit) and empty ones are not shown: the count says so, and the original has them.
 */
export function partialContent(raw: Buffer, structure: MessageStructure, reasons: PartialReason[]): MessageContent {
  const { envelope } = structure;
  const leaves = leafParts(structure.root);
  let text: MIMEPart | undefined;
  let html: MIMEPart | undefined;
  const attachments: ContentAttachment[] = [];
  for (const part of leaves) {
    if (part.cut !== undefined || isEmpty(part)) continue;
    const body = part.type === 'text' && part.disposition?.type !== 'attachment';
    if (body && part.subtype === 'plain' && text === undefined) text = part;
    else if (body && part.subtype === 'html' && html === undefined) html = part;
    else attachments.push(attachmentOf(raw, part, attachments.length));
  }
  const shown = attachments.length + (text ? 1 : 0) + (html ? 1 : 0);
  return {
    from: addresses(envelope.from),
    to: addresses(envelope.to),
    cc: addresses(envelope.cc),
    bcc: addresses(envelope.bcc),
    replyTo: addresses(envelope.replyTo),
    subject: headerText(envelope.subject),
    date: dateOf(envelope.date),
    messageId: headerText(envelope.messageId),
    inReplyTo: headerText(envelope.inReplyTo),
    text: text ? decodeTextPart(raw, text) : '',
    html: html ? decodeTextPart(raw, html) : undefined,
    attachments,
    partCount: leaves.length,
    // The parts past the part limit were never split out: the cut part holds them, and they count too.
    partial: { reasons, notShown: leaves.length - shown + structure.partsPastLimit },
  };
}
