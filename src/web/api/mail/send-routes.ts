// /api/v1/mail/send, /drafts and /contacts: compose as the signed-in account only, submit through the same path as authenticated SMTP, autosave drafts, suggest recipients.
import type { z } from 'zod';
import { MailwardError } from '../../../errors/index.js';
import type { Account } from '../../../accounts/index.js';
import { INBOX } from '../../../mailbox/index.js';
import type { Envelope } from '../../../mailbox/mime/index.js';
import type { composedMessage } from '../../contract/index.js';
import { MAIL_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { MailAPIDeps } from './mail-deps.js';
import { specialFolder } from './mail-deps.js';
import { presentAddress } from './message-list.js';

type Compose = z.output<typeof composedMessage>;

async function build(deps: MailAPIDeps, account: Account, message: Compose, options: { keepBcc: boolean }): Promise<Buffer> {
  const files = message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.base64, 'base64') }));
  if (files.reduce((sum, f) => sum + f.content.length, 0) > deps.maxMessageBytes) throw new MailwardError('TOO_BIG', { message: 'The attachments are larger than a message may be' });
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: { name: account.displayName, address: account.address },
    ...(message.to.length ? { to: message.to } : {}),
    ...(message.cc.length ? { cc: message.cc } : {}),
    ...(message.bcc.length ? { bcc: message.bcc } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo, references: message.inReplyTo } : {}),
    attachments: files,
  });
  const node = composer.compile();
  // Bcc stays out of what recipients receive; a draft keeps it so the compose form can reopen it.
  node.keepBcc = options.keepBcc;
  const raw = await node.build();
  if (raw.length > deps.maxMessageBytes) throw new MailwardError('TOO_BIG', { message: `The message is larger than ${deps.maxMessageBytes} bytes` });
  return raw;
}

export function sendRoutes(routes: APIRoutes, deps: MailAPIDeps): void {
  // Base64 grows a body by a third; the message itself is checked against the limit after building.
  const bodyLimit = Math.ceil(deps.maxMessageBytes * 1.4) + 64 * 1024;

  routes.add(MAIL_API.send, {
    auth: 'session',
    bodyLimit,
    handler: async ({ session, body, request }) => {
      const submission = deps.submission;
      if (!submission) throw new MailwardError('NOT_FOUND', { message: 'Sending is not available on this server' });
      const all = [...body.to, ...body.cc, ...body.bcc];
      if (all.length === 0) throw new MailwardError('INVALID_INPUT', { message: 'Add at least one recipient', details: { field: 'to' } });
      for (const recipient of all) {
        if ((await deps.recipients.resolve(recipient)).kind === 'invalid') throw new MailwardError('INVALID_ADDRESS', { message: `${recipient.slice(0, 320)} is not a valid address`, details: { field: 'to' } });
      }
      const raw = await build(deps, session.account, body, { keepBcc: false });
      const result = await submission.submit({
        account: session.account,
        raw,
        mailFrom: session.account.address,
        recipients: all.map((a) => ({ address: a })),
        remoteIp: request.ip,
        helo: 'webmail',
        ...(request.protocol === 'https' ? { tls: {} } : {}),
      });
      // The draft this message came from is done with: removed for good (not moved to Trash), and
      // only a message that really is a draft, so a wrong uid cannot delete other mail.
      if (body.draftUid !== undefined) {
        const drafts = await specialFolder(deps, session.account.id, 'Drafts');
        if ((await deps.mailboxes.listFlagsOf(drafts.id, [body.draftUid]))[0]?.draft === 1) await deps.mailboxes.remove(drafts.id, [body.draftUid]);
      }
      return { delivered: result.local, queued: result.queued };
    },
  });

  routes.add(MAIL_API.saveDraft, {
    auth: 'session',
    bodyLimit,
    handler: async ({ session, body }) => {
      const drafts = await specialFolder(deps, session.account.id, 'Drafts');
      const raw = await build(deps, session.account, body, { keepBcc: true });
      const saved = await deps.mailboxes.append(session.account.id, drafts.name, raw, { flags: { draft: true, seen: true } });
      // Only a draft is replaced: a UID naming another message of the folder leaves it alone.
      if (body.draftUid !== undefined && (await deps.mailboxes.listFlagsOf(drafts.id, [body.draftUid]))[0]?.draft === 1) await deps.mailboxes.remove(drafts.id, [body.draftUid]);
      return { uid: saved.uid, folder: drafts.name };
    },
  });

  routes.add(MAIL_API.contacts, {
    auth: 'session',
    handler: async ({ session, query }) => {
      const accountId = session.account.id;
      const sent = await specialFolder(deps, accountId, 'Sent');
      const inbox = await deps.mailboxes.get(accountId, INBOX);
      // The newest few hundred of each: enough for completion, bounded whatever the mailbox size.
      const recent = { sort: 'date', order: 'desc', limit: 500 } as const;
      const [sentRows, inboxRows] = await Promise.all([deps.mailboxes.page(sent.id, recent), deps.mailboxes.page(inbox.id, recent)]);
      const seen = new Map<string, { name: string; address: string; count: number; last: number }>();
      const add = (people: Envelope['to'], at: number): void => {
        for (const person of people ?? []) {
          const p = presentAddress(person);
          const key = p.address.toLowerCase();
          if (!key.includes('@') || key === session.account.address.toLowerCase()) continue;
          const entry = seen.get(key) ?? { name: p.name, address: p.address, count: 0, last: 0 };
          entry.count += 1;
          entry.last = Math.max(entry.last, at);
          if (!entry.name && p.name) entry.name = p.name;
          seen.set(key, entry);
        }
      };
      const envelopeOf = (structure: string): Envelope | undefined => (JSON.parse(structure) as { envelope?: Envelope }).envelope;
      for (const row of sentRows) {
        const envelope = envelopeOf(row.structure);
        add([...(envelope?.to ?? []), ...(envelope?.cc ?? [])], row.internal_date);
      }
      for (const row of inboxRows) add(envelopeOf(row.structure)?.from ?? [], row.internal_date);
      const q = query.q.trim().toLowerCase();
      const matches = [...seen.values()].filter((c) => q === '' || c.address.toLowerCase().includes(q) || c.name.toLowerCase().includes(q));
      matches.sort((a, b) => b.count - a.count || b.last - a.last);
      return { contacts: matches.slice(0, query.limit).map((c) => ({ name: c.name, address: c.address })) };
    },
  });
}
