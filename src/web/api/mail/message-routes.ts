// /api/v1/mail/folders/:name/messages/…: read a message (without side effects), download an attachment or the original, flag, move and delete — every change through Mailboxes, so IMAP IDLE sees it.
import { MailwardError } from '../../../errors/index.js';
import type { MessageRow } from '../../../mailbox/index.js';
import { MESSAGE_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { ImageProxySigner } from './image-proxy.js';
import type { MailAPIDeps } from './mail-deps.js';
import { ownFolder, specialFolder } from './mail-deps.js';
import { readMessageContent } from './message-content.js';
import { presentMessage } from './read-message.js';

/** Types a browser may show inline: raster images and PDF. SVG and HTML can carry script, so they are always downloads. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** RFC 6266: an ASCII fallback name and the UTF-8 name (RFC 8187); no quote, backslash or control character survives. */
function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_').slice(0, 200) || 'attachment';
  const encoded = encodeURIComponent(filename.slice(0, 200)).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

async function ownMessage(deps: MailAPIDeps, accountId: number, name: string, uid: number): Promise<{ mailboxId: number; row: MessageRow }> {
  const folder = await ownFolder(deps, accountId, name);
  const [row] = await deps.mailboxes.messages(folder.id, [uid]);
  if (!row) throw new MailwardError('NOT_FOUND', { message: 'The message does not exist (any more)' });
  return { mailboxId: folder.id, row };
}

export function messageRoutes(routes: APIRoutes, deps: MailAPIDeps, images: ImageProxySigner): void {
  routes.add(MESSAGE_API.read, {
    auth: 'session',
    // A GET changes nothing: it carries no CSRF token, and a link on another site opened with the
    // SameSite=Lax cookie could otherwise mark mail read. The webmail marks read with PATCH.
    handler: async ({ session, params, query, request }) => {
      const accountId = session.account.id;
      const { row } = await ownMessage(deps, accountId, params.name, params.uid);
      const content = await readMessageContent(await deps.mailboxes.body(row.blob_id), {
        // A remote sender chose these bytes: one line says what was left out, never a stack.
        onPartial: (reasons, refusal) => request.log.warn({ uid: row.uid, reasons, ...(refusal ? { refusal } : {}) }, 'message shown in part'),
      });
      const base = `/api/v1/mail/folders/${encodeURIComponent(params.name)}/messages/${row.uid}/attachments/`;
      return presentMessage(deps, row, content, {
        accountId,
        allowRemoteImages: query.remoteImages === 'allow',
        proxyURL: (url) => images.proxyURL(accountId, url),
        attachmentURL: (index) => `${base}${index}`,
      });
    },
  });

  routes.add(MESSAGE_API.attachment, {
    auth: 'session',
    handler: async ({ session, params, query, reply }) => {
      const { row } = await ownMessage(deps, session.account.id, params.name, params.uid);
      const content = await readMessageContent(await deps.mailboxes.body(row.blob_id));
      const attachment = content.attachments[params.index];
      if (!attachment) throw new MailwardError('NOT_FOUND', { message: 'The message has no such attachment' });
      const declared = attachment.contentType.toLowerCase();
      const type = MEDIA_TYPE.test(declared) ? declared : 'application/octet-stream';
      const inline = query.inline === 'true' && INLINE_TYPES.has(type);
      // An attachment is the sender's content on our origin: a sandboxed answer with no sources
      // cannot run script or read the webmail's cookies-backed API even if a browser renders it.
      void reply
        .header('content-type', type)
        .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', attachment.filename))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'");
      return attachment.content();
    },
  });

  routes.add(MESSAGE_API.raw, {
    auth: 'session',
    // The original is what a message too hostile to show in full still offers: every byte as
    // stored (what IMAP BODY[] sends), as a download that no browser renders on our origin.
    handler: async ({ session, params, reply }) => {
      const { row } = await ownMessage(deps, session.account.id, params.name, params.uid);
      const raw = await deps.mailboxes.body(row.blob_id);
      const name = row.subject.trim().slice(0, 100) || `message-${row.uid}`;
      void reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', contentDisposition('attachment', `${name}.eml`))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'");
      return raw;
    },
  });

  routes.add(MESSAGE_API.setFlags, {
    auth: 'session',
    handler: async ({ session, params, body }) => {
      const { mailboxId, row } = await ownMessage(deps, session.account.id, params.name, params.uid);
      for (const flag of ['seen', 'flagged'] as const) {
        const wanted = body[flag];
        if (wanted === undefined) continue;
        await deps.mailboxes.storeFlags(mailboxId, [row.uid], { mode: wanted ? 'add' : 'remove', flags: { [flag]: true } });
      }
      const [after] = await deps.mailboxes.listFlagsOf(mailboxId, [row.uid]);
      return { uid: row.uid, seen: after?.seen === 1, flagged: after?.flagged === 1, answered: after?.answered === 1 };
    },
  });

  routes.add(MESSAGE_API.move, {
    auth: 'session',
    handler: async ({ session, params, body }) => {
      const from = await ownFolder(deps, session.account.id, params.name);
      const to = await ownFolder(deps, session.account.id, body.to);
      if (from.id === to.id) throw new MailwardError('INVALID_INPUT', { message: 'The messages are in that folder already' });
      const moved = await deps.mailboxes.move(from.id, body.uids, to.id);
      return { moved: moved.pairs.map(([uid, newUid]) => ({ uid, newUid })) };
    },
  });

  routes.add(MESSAGE_API.remove, {
    auth: 'session',
    handler: async ({ session, params, body }) => {
      const from = await ownFolder(deps, session.account.id, params.name);
      const trash = await specialFolder(deps, session.account.id, 'Trash');
      if (from.id === trash.id) return { removed: await deps.mailboxes.remove(from.id, body.uids), movedToTrash: [] };
      const moved = await deps.mailboxes.move(from.id, body.uids, trash.id);
      return { removed: [], movedToTrash: moved.pairs.map(([uid, newUid]) => ({ uid, newUid })) };
    },
  });
}
