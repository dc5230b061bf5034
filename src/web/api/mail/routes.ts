// /api/v1/mail: the webmail's folders, and the registration of every mail route (messages, send, contacts, live updates, image proxy and image senders).
import { z } from 'zod';
import { MailwardError } from '../../../errors/index.js';
import { INBOX } from '../../../mailbox/index.js';
import type { MailboxRow } from '../../../mailbox/index.js';
import type { Security } from '../../../security/index.js';
import type { APIRoutes } from '../route.js';
import { mailEventRoutes } from './event-routes.js';
import { ImageProxySigner, imageProxyRoutes } from './image-proxy.js';
import { imageSenderRoutes } from './image-sender-routes.js';
import type { MailAPIDeps } from './mail-deps.js';
import { folderName, folderParams, ownFolder } from './mail-deps.js';
import { messageListRoutes } from './message-list.js';
import { messageRoutes } from './message-routes.js';
import { sendRoutes } from './send-routes.js';

export type { MailAPIDeps } from './mail-deps.js';

async function presentFolder(deps: MailAPIDeps, mailbox: MailboxRow): Promise<Record<string, unknown>> {
  const counts = await deps.mailboxes.counts(mailbox.id);
  return { name: mailbox.name, specialUse: mailbox.special_use, total: counts.messages, unread: counts.unseen };
}

export function mailRoutes(routes: APIRoutes, security: Security, deps: MailAPIDeps): void {
  const tag = 'mail';

  routes.add({
    method: 'GET',
    url: '/api/v1/mail/folders',
    summary: 'The folders of the account with their message and unread counts (INBOX, Drafts, Sent, Trash, Junk and Archive always exist)',
    tag,
    auth: 'session',
    handler: async ({ session }) => {
      const mailboxes = await deps.mailboxes.list(session.account.id);
      return { folders: await Promise.all(mailboxes.map((m) => presentFolder(deps, m))) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/v1/mail/folders',
    summary: 'Creates a folder ("Projects/2025" creates Projects too); EXISTS when it is there',
    tag,
    auth: 'session',
    body: z.object({ name: folderName }).strict(),
    handler: async ({ session, body }) => presentFolder(deps, await deps.mailboxes.create(session.account.id, body.name)),
  });

  routes.add({
    method: 'PATCH',
    url: '/api/v1/mail/folders/:name',
    summary: 'Renames a folder and its subfolders; EXISTS when the new name is taken',
    tag,
    auth: 'session',
    params: folderParams,
    body: z.object({ name: folderName }).strict(),
    handler: async ({ session, params, body }) => {
      const folder = await ownFolder(deps, session.account.id, params.name);
      // The special-use folders are where SMTP files Sent copies and the webmail drafts: renaming
      // INBOX would empty it into a new folder, the others would be recreated on next use.
      if (folder.special_use !== null || folder.name === INBOX) throw new MailwardError('FORBIDDEN', { message: `${folder.name} cannot be renamed` });
      await deps.mailboxes.rename(session.account.id, folder.name, body.name);
      return presentFolder(deps, await ownFolder(deps, session.account.id, body.name));
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/api/v1/mail/folders/:name',
    summary: 'Deletes a folder and its messages; INBOX and the special-use folders cannot be deleted',
    tag,
    auth: 'session',
    params: folderParams,
    handler: async ({ session, params }) => {
      const folder = await ownFolder(deps, session.account.id, params.name);
      if (folder.special_use !== null || folder.name === INBOX) throw new MailwardError('FORBIDDEN', { message: `${folder.name} cannot be deleted` });
      await deps.mailboxes.delete(session.account.id, folder.name);
      return undefined;
    },
  });

  const images = new ImageProxySigner(deps.imageProxy.key);
  messageListRoutes(routes, deps);
  messageRoutes(routes, deps, images);
  imageProxyRoutes(routes, deps, images);
  imageSenderRoutes(routes, deps);
  sendRoutes(routes, deps);
  mailEventRoutes(routes, security, deps);
}
