// /api/v1/mail/image-senders: the senders whose remote images the webmail shows without asking ("Always show images from this sender").
import { normalizeAddress } from '../../../lib/index.js';
import { MailwardError } from '../../../errors/index.js';
import { MAIL_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { ImageSenderList, MailAPIDeps } from './mail-deps.js';

/** Entries per account: enough for every newsletter one reads, and a bound on a scripted flood of rows. */
export const MAX_IMAGE_SENDERS = 1000;

/** The list's key: the address as Mailward normalises it (lower-case local part, A-label domain); INVALID_ADDRESS otherwise. */
export function imageSenderKey(input: string): string {
  return normalizeAddress(input).address;
}

type ImageSenderRow = Awaited<ReturnType<ImageSenderList['list']>>[number];

function presentSender(row: ImageSenderRow): { address: string; createdAt: number } {
  return { address: row.sender, createdAt: Number(row.created_at) };
}

export function imageSenderRoutes(routes: APIRoutes, deps: MailAPIDeps): void {
  routes.add(MAIL_API.imageSenders, {
    auth: 'session',
    handler: async ({ session }) => ({ senders: (await deps.imageSenders.list(session.account.id)).map(presentSender) }),
  });

  routes.add(MAIL_API.addImageSender, {
    auth: 'session',
    handler: async ({ session, body }) => {
      const sender = imageSenderKey(body.address);
      const accountId = session.account.id;
      if (!(await deps.imageSenders.has(accountId, sender)) && (await deps.imageSenders.count(accountId)) >= MAX_IMAGE_SENDERS) {
        throw new MailwardError('LIMIT', { message: `At most ${MAX_IMAGE_SENDERS} senders can be on the list; remove some first` });
      }
      return presentSender(await deps.imageSenders.add({ accountId, sender, now: deps.now() }));
    },
  });

  routes.add(MAIL_API.removeImageSender, {
    auth: 'session',
    handler: async ({ session, params }) => {
      const removed = await deps.imageSenders.remove(session.account.id, imageSenderKey(params.address));
      if (!removed) throw new MailwardError('NOT_FOUND', { message: 'That sender is not on the list' });
      return undefined;
    },
  });
}
