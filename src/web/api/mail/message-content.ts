// What the webmail shows of a stored message, read within the MIME limits of mailbox/mime: whole through mailparser, or in part through the structure walker when the message runs past a limit.
//
// Why mailparser first and the walker only past a limit: mailparser is the field library for
// what a reader sees of ordinary mail (charsets, format=flowed, which alternative is the text,
// inline images, embedded messages, RFC 2231 file names), and what users see of it stays as it
// was. But it refuses a message with more parts or larger headers than its options allow, and it
// has no depth limit at all; the walker never throws, runs in linear time and is what IMAP
// serves. So the walker decides first, with the same limits IMAP keeps: a message within them
// goes to mailparser (its limit options set from the same module); one past them, or one
// mailparser still refuses, is shown from the walker's parts: the headers, the first text and
// HTML parts, the other parts as attachments, and how many parts the page leaves out.
import type { AddressObject, ParsedMail } from 'mailparser';
import { MAX_MIME_HEADER_BYTES, MAX_MIME_PARTS, parseMessageStructure } from '../../../mailbox/mime/index.js';
import type { MIMELimit } from '../../../mailbox/mime/index.js';
import type { MailMessage } from '../../contract/index.js';
import { leafParts, partialContent } from './partial-content.js';

export interface ContentAddress {
  name: string;
  address: string;
}

export interface ContentAttachment {
  filename: string;
  /** As declared, lower-case. */
  contentType: string;
  /** Bytes once the transfer encoding is undone. */
  size: number;
  /** Shown in the text (an image of an HTML mail), not offered as a file of its own. */
  inline: boolean;
  /** The Content-ID without angle brackets, for cid: links of the HTML. */
  cid: string | undefined;
  content(): Buffer;
}

export type PartialReason = NonNullable<MailMessage['partial']>['reasons'][number];

export interface MessageContent {
  from: ContentAddress[];
  to: ContentAddress[];
  cc: ContentAddress[];
  bcc: ContentAddress[];
  replyTo: ContentAddress[];
  subject: string | undefined;
  date: Date | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  text: string;
  /** Unsanitised HTML, or undefined when the message has none. */
  html: string | undefined;
  attachments: ContentAttachment[];
  /** The leaf parts of the message as the walker splits it: the parts IMAP's BODYSTRUCTURE lists. */
  partCount: number;
  /** Null when the message is shown whole. */
  partial: { reasons: PartialReason[]; notShown: number } | null;
}

const REASON_OF: Record<MIMELimit, PartialReason> = { depth: 'TOO_DEEP', parts: 'TOO_MANY_PARTS', header: 'HEADER_TOO_LARGE' };

function addressList(value: AddressObject | AddressObject[] | undefined): ContentAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a]))).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
}

function wholeContent(parsed: ParsedMail, partCount: number): MessageContent {
  return {
    from: addressList(parsed.from),
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    bcc: addressList(parsed.bcc),
    replyTo: addressList(parsed.replyTo),
    subject: parsed.subject,
    date: parsed.date,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : undefined,
    attachments: parsed.attachments.map((a, index) => ({
      filename: a.filename ?? `attachment-${index + 1}`,
      contentType: a.contentType,
      size: a.size,
      inline: a.contentDisposition === 'inline' && a.cid !== undefined,
      cid: a.cid,
      content: () => a.content,
    })),
    partCount,
    partial: null,
  };
}

export interface ReadOptions {
  /** Told once when the message is shown in part, with mailparser's refusal when that was the reason (its message only: no stack). */
  onPartial?: (reasons: PartialReason[], refusal?: string) => void;
}

/** Reads a stored message for the webmail; never throws on what the message contains. */
export async function readMessageContent(raw: Buffer, options: ReadOptions = {}): Promise<MessageContent> {
  const structure = parseMessageStructure(raw);
  const partCount = leafParts(structure.root).length;
  if (structure.limitsHit.length > 0) {
    const reasons = structure.limitsHit.map((limit) => REASON_OF[limit]);
    options.onPartial?.(reasons);
    return partialContent(raw, structure, reasons);
  }
  try {
    // cid: images stay links (they are rewritten to attachment URLs, not inlined as data: URIs).
    // Loaded when the webmail first opens a message: a server with no webmail reader never needs it.
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(raw, {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      maxChildNodes: MAX_MIME_PARTS,
      maxHeadSize: MAX_MIME_HEADER_BYTES,
    });
    return wholeContent(parsed, partCount);
  } catch (error) {
    // mailparser splits some malformed messages otherwise than the walker does, and may still
    // count past a limit; the walker's view of the message is the one IMAP serves.
    options.onPartial?.(['UNREADABLE'], error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200));
    return partialContent(raw, structure, ['UNREADABLE']);
  }
}
