// /api/v1/mail: folders, composing (send, drafts, recipient suggestions), the image proxy and its list of senders, and live updates.
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { folderName, folderParams, mailAddress } from './message-api.js';

/** Longest image URL the proxy takes (longer ones stay blocked in the message). */
export const MAX_IMAGE_URL_LENGTH = 4096;

export const mailFolder = z.strictObject({ name: z.string(), specialUse: z.string().nullable(), total: z.number(), unread: z.number() });

export const imageSender = z.strictObject({ address: z.string(), createdAt: z.number() });

const address = z.string().trim().min(3).max(320);
const recipients = z.array(address).max(100).default([]);
/** A header line must stay one line: CR and LF would let a subject add headers of its own. */
const oneLine = z.string().max(998).transform((s) => s.replace(/[\r\n]+/g, ' '));
const messageId = z.string().max(998).regex(/^<[^<>\s]+>$/, 'a Message-ID such as <id@host>');

const attachment = z
  .object({
    filename: z.string().min(1).max(255).transform((s) => s.replace(/[\r\n\\/]+/g, '_')),
    contentType: z.string().max(255).regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i),
    base64: z.string().regex(/^[A-Za-z0-9+/\r\n]*={0,2}$/, 'base64'),
  })
  .strict();

/**
 * What a message is made of, and the draft it replaces. There is no `from`: the sender is the
 * session's account, so a stolen session cannot send as the administrator or another user
 * (strict() refuses the field).
 */
export const composedMessage = z
  .object({
    to: recipients,
    cc: recipients,
    bcc: recipients,
    subject: oneLine.default(''),
    text: z.string().max(10 * 1024 * 1024).default(''),
    html: z.string().max(10 * 1024 * 1024).optional(),
    inReplyTo: messageId.optional(),
    attachments: z.array(attachment).max(100).default([]),
    draftUid: z.number().int().positive().max(2 ** 32).optional(),
  })
  .strict();

const senderAddress = z.string().min(1).max(320);
const tag = 'mail';

export const MAIL_API = {
  folders: endpoint('GET /api/v1/mail/folders', {
    summary: 'The folders of the account with their message and unread counts (INBOX, Drafts, Sent, Trash, Junk and Archive always exist)',
    tag,
    response: z.strictObject({ folders: z.array(mailFolder) }),
  }),
  createFolder: endpoint('POST /api/v1/mail/folders', {
    summary: 'Creates a folder ("Projects/2025" creates Projects too); EXISTS when it is there',
    tag,
    body: z.object({ name: folderName }).strict(),
    response: mailFolder,
  }),
  renameFolder: endpoint('PATCH /api/v1/mail/folders/:name', {
    summary: 'Renames a folder and its subfolders; EXISTS when the new name is taken',
    tag,
    params: folderParams,
    body: z.object({ name: folderName }).strict(),
    response: mailFolder,
  }),
  deleteFolder: endpoint('DELETE /api/v1/mail/folders/:name', {
    summary: 'Deletes a folder and its messages; INBOX and the special-use folders cannot be deleted',
    tag,
    params: folderParams,
    response: 'no-content',
  }),
  imageProxy: endpoint('GET /api/v1/mail/image-proxy', {
    summary: 'A remote image of a message, fetched by the server (u: the image URL, s: its signature from the message view); raster images up to 5 MB only',
    tag,
    query: z
      .object({
        u: z.string().min(1).max(MAX_IMAGE_URL_LENGTH),
        s: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
      })
      .strict(),
    response: 'bytes',
  }),
  imageSenders: endpoint('GET /api/v1/mail/image-senders', {
    summary: 'The senders whose remote images are shown without asking (only for mail that passed sender authentication)',
    tag,
    response: z.strictObject({ senders: z.array(imageSender) }),
  }),
  addImageSender: endpoint('POST /api/v1/mail/image-senders', {
    summary: 'Always shows remote images from this sender (through the image proxy); adding a sender twice changes nothing',
    tag,
    body: z.object({ address: senderAddress }).strict(),
    response: imageSender,
  }),
  removeImageSender: endpoint('DELETE /api/v1/mail/image-senders/:address', {
    summary: 'Asks again before showing remote images from this sender',
    tag,
    params: z.object({ address: senderAddress }).strict(),
    response: 'no-content',
  }),
  send: endpoint('POST /api/v1/mail/send', {
    summary: 'Sends a message from the signed-in account (the same path, limits and Sent copy as authenticated SMTP submission)',
    tag,
    body: composedMessage,
    response: z.strictObject({ delivered: z.number(), queued: z.number() }),
  }),
  saveDraft: endpoint('PUT /api/v1/mail/drafts', {
    summary: 'Saves the compose form to Drafts, replacing the previous save (draftUid); answers the new UID',
    tag,
    body: composedMessage,
    response: z.strictObject({ uid: z.number(), folder: z.string() }),
  }),
  contacts: endpoint('GET /api/v1/mail/contacts', {
    summary: 'Recent correspondents (recipients of sent mail, senders of received mail) for address completion',
    tag,
    query: z.object({ q: z.string().max(320).default(''), limit: z.coerce.number().int().min(1).max(50).default(10) }).strict(),
    response: z.strictObject({ contacts: z.array(mailAddress) }),
  }),
  events: endpoint('GET /api/v1/mail/events', {
    summary: 'Live updates (text/event-stream): a "mailbox" event {name, total, unread} whenever a folder of the account changes; a heartbeat comment every 25 s',
    tag,
    response: 'event-stream',
  }),
};
