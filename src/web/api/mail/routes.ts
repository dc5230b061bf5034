// /api/v1/mail: the webmail's folders, and the registration of every mail route (messages, send, contacts, live updates, image proxy and image senders).
import { MailwardError } from '../../../errors/index.js';
import { INBOX } from '../../../mailbox/index.js';
import type { MailboxRow } from '../../../mailbox/index.js';
import type { Security } from '../../../security/index.js';
import type { MailFolder } from '../../contract/index.js';
import { MAIL_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import { mailEventRoutes } from './event-routes.js';
import { ImageProxySigner, imageProxyRoutes } from './image-proxy.js';
import { imageSenderRoutes } from './image-sender-routes.js';
import type { MailAPIDeps } from './mail-deps.js';
import { ownFolder } from './mail-deps.js';
import { messageListRoutes } from './message-list.js';
import { messageRoutes } from './message-routes.js';
import { sendRoutes } from './send-routes.js';

export type { MailAPIDeps } from './mail-deps.js';

async function presentFolder(deps: MailAPIDeps, mailbox: MailboxRow): Promise<MailFolder> {
  const counts = await deps.mailboxes.counts(mailbox.id);
  return { name: mailbox.name, specialUse: mailbox.special_use, total: counts.messages, unread: counts.unseen };
}

export function mailRoutes(routes: APIRoutes, security: Security, deps: MailAPIDeps): void {
  routes.add(MAIL_API.folders, {
    auth: 'session',
    handler: async ({ session }) => {
      const mailboxes = await deps.mailboxes.list(session.account.id);
      return { folders: await Promise.all(mailboxes.map((m) => presentFolder(deps, m))) };
    },
  });

  routes.add(MAIL_API.createFolder, {
    auth: 'session',
    handler: async ({ session, body }) => presentFolder(deps, await deps.mailboxes.create(session.account.id, body.name, { subscribe: true })),
  });

  routes.add(MAIL_API.renameFolder, {
    auth: 'session',
    handler: async ({ session, params, body }) => {
      const folder = await ownFolder(deps, session.account.id, params.name);
      // The special-use folders are where SMTP files Sent copies and the webmail drafts: renaming
      // INBOX would empty it into a new folder, the others would be recreated on next use.
      if (folder.special_use !== null || folder.name === INBOX) throw new MailwardError('FORBIDDEN', { message: `${folder.name} cannot be renamed` });
      await deps.mailboxes.rename(session.account.id, folder.name, body.name);
      return presentFolder(deps, await ownFolder(deps, session.account.id, body.name));
    },
  });

  routes.add(MAIL_API.deleteFolder, {
    auth: 'session',
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
