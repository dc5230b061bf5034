// /api/v1/mail/folders/:name/messages: a folder's message list, reading one message, its attachments and its original bytes, flags, moving and deleting.
import { z } from 'zod';
import { endpoint } from './endpoint.js';

/** Mailbox names are at most this long in a URL (the model allows long hierarchies, not novels). */
export const folderName = z.string().min(1).max(500);

export const folderParams = z.object({ name: folderName }).strict();
export const messageParams = z.object({ name: folderName, uid: z.coerce.number().int().positive().max(2 ** 32) }).strict();
export const uidList = z.array(z.number().int().positive().max(2 ** 32)).min(1).max(1000);

export const mailAddress = z.strictObject({ name: z.string(), address: z.string() });

/** One row of the list: an allow-list of fields, no body and no search text. */
export const messageListItem = z.strictObject({
  uid: z.number(),
  from: mailAddress.nullable(),
  to: z.array(mailAddress),
  subject: z.string(),
  /** The Date header, else when the message arrived. */
  date: z.number(),
  receivedAt: z.number(),
  size: z.number(),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
  hasAttachments: z.boolean(),
});

/** Why a message is shown in part. */
export const PARTIAL_REASONS = ['TOO_MANY_PARTS', 'TOO_DEEP', 'HEADER_TOO_LARGE', 'UNREADABLE'] as const;

export const messageAttachment = z.strictObject({ index: z.number(), filename: z.string(), contentType: z.string(), size: z.number(), inline: z.boolean() });

/** The read view of one message: headers, text, sanitised HTML, attachments and the sender checks. */
export const mailMessage = z.strictObject({
  uid: z.number(),
  from: mailAddress.nullable(),
  to: z.array(mailAddress),
  cc: z.array(mailAddress),
  /** Only on the account's own copies (a draft keeps it for the compose form). */
  bcc: z.array(mailAddress),
  replyTo: z.array(mailAddress),
  subject: z.string(),
  date: z.number(),
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  text: z.string(),
  html: z.string().nullable(),
  remoteImagesBlocked: z.boolean(),
  /** The user chose "always show images from this sender": the server already shows them. */
  imagesAllowedForSender: z.boolean(),
  /** The From address passed sender authentication (only then is the sender's image choice honoured). */
  senderAuthenticated: z.boolean(),
  attachments: z.array(messageAttachment),
  /** The message's leaf MIME parts, as IMAP's BODYSTRUCTURE lists them (Mailward splits a message one way for both). */
  partCount: z.number(),
  /**
   * Null when the message is shown whole. Otherwise it ran past a MIME limit (more parts or deeper
   * nesting than Mailward splits, a header larger than it decodes) or could not be read whole, and
   * is shown in part: why, and how many of its parts the view leaves out (those past the part
   * limit included, which are not in partCount: IMAP shows them as one part); …/raw has every byte.
   */
  partial: z.strictObject({ reasons: z.array(z.enum(PARTIAL_REASONS)), notShown: z.number() }).nullable(),
  /** The SPF, DKIM and DMARC verdicts of delivery; null for mail that did not come in over SMTP from outside. */
  authentication: z.strictObject({ spf: z.string(), dkim: z.array(z.strictObject({ domain: z.string(), result: z.string() })), dmarc: z.string() }).nullable(),
  warnings: z.array(z.strictObject({ code: z.enum(['AUTHENTICATION_FAILED', 'DISPLAY_NAME_IMITATES_LOCAL_USER']), message: z.string() })),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
});

const flagString = z.enum(['true', 'false']).optional();
const moved = z.array(z.strictObject({ uid: z.number(), newUid: z.number() }));
const tag = 'mail';

export const MESSAGE_API = {
  list: endpoint('GET /api/v1/mail/folders/:name/messages', {
    summary:
      'One page of a folder: sort by date, sender or subject; only unread or flagged; q searches from:, to:, subject:, body:, since:YYYY-MM-DD, before:YYYY-MM-DD and words',
    tag,
    params: folderParams,
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(2000).optional(),
        sort: z.enum(['date', 'from', 'subject']).default('date'),
        order: z.enum(['desc', 'asc']).default('desc'),
        filter: z.enum(['unread', 'flagged']).optional(),
        q: z.string().max(1000).optional(),
      })
      .strict(),
    response: z.strictObject({ items: z.array(messageListItem), nextCursor: z.string().nullable() }),
  }),
  read: endpoint('GET /api/v1/mail/folders/:name/messages/:uid', {
    summary:
      'Reads a message without marking it read (PATCH seen=true does that): headers, text, sanitised HTML (remote images blocked, or through the image proxy with remoteImages=allow or for a listed, authenticated sender), attachments, sender checks; peek is accepted and changes nothing',
    tag,
    params: messageParams,
    query: z.object({ peek: flagString, remoteImages: z.enum(['allow', 'block']).default('block') }).strict(),
    response: mailMessage,
  }),
  attachment: endpoint('GET /api/v1/mail/folders/:name/messages/:uid/attachments/:index', {
    summary: 'Downloads an attachment; images and PDF may be shown inline with inline=true; served sandboxed, never as a page of the webmail',
    tag,
    params: messageParams.extend({ index: z.coerce.number().int().min(0).max(10_000) }).strict(),
    query: z.object({ inline: flagString }).strict(),
    response: 'bytes',
  }),
  raw: endpoint('GET /api/v1/mail/folders/:name/messages/:uid/raw', {
    summary: 'Downloads the message as stored (message/rfc822, a .eml file), byte for byte, whatever its MIME; served as a download, never as a page of the webmail',
    tag,
    params: messageParams,
    response: 'bytes',
  }),
  setFlags: endpoint('PATCH /api/v1/mail/folders/:name/messages/:uid', {
    summary: 'Marks a message read or unread, flagged or not',
    tag,
    params: messageParams,
    body: z.object({ seen: z.boolean().optional(), flagged: z.boolean().optional() }).strict(),
    response: z.strictObject({ uid: z.number(), seen: z.boolean(), flagged: z.boolean(), answered: z.boolean() }),
  }),
  move: endpoint('POST /api/v1/mail/folders/:name/messages/move', {
    summary: 'Moves messages to another folder of the account; answers the new UIDs',
    tag,
    params: folderParams,
    body: z.object({ uids: uidList, to: folderName }).strict(),
    response: z.strictObject({ moved }),
  }),
  remove: endpoint('POST /api/v1/mail/folders/:name/messages/delete', {
    summary: 'Deletes messages: they go to Trash; deleting in Trash removes them for good',
    tag,
    params: folderParams,
    body: z.object({ uids: uidList }).strict(),
    response: z.strictObject({ removed: z.array(z.number()), movedToTrash: moved }),
  }),
};
