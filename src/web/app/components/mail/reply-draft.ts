// The compose form a reply, a reply to all or a forward starts from: recipients, subject prefix, the quoted original (and, for a forward, its attachments).
import type { MailAddress, MailMessage } from '../../../contract/index.js';
import { i18n } from '../../i18n/index.js';
import type { ComposeAttachment } from './mail-types.js';

/** Who a reply goes to, and the quoted original a reply or forward starts from. */
export type ReplyKind = 'reply' | 'replyAll' | 'forward';

export interface ComposeDraft {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  attachments: ComposeAttachment[];
  inReplyTo?: string;
  /** The Drafts copy this form replaces on its next save. */
  draftUid?: number;
}

export const EMPTY_DRAFT: ComposeDraft = { to: '', cc: '', bcc: '', subject: '', text: '', attachments: [] };

/** Subject prefixes stay as every mail program writes them (RFC 5322 "Re:"), whatever the language. */
const REPLY_PREFIX = 'Re: ';
const FORWARD_PREFIX = 'Fwd: ';

export function formatAddress(a: MailAddress | null): string {
  if (!a) return '';
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** `attachments` are the original's, read beforehand (a forward carries them; replies do not). */
export function replyDraft(message: MailMessage, kind: ReplyKind, self: string, attachments: ComposeAttachment[] = []): ComposeDraft {
  const quoted = message.text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  if (kind === 'forward') {
    const subject = /^fwd?:/i.test(message.subject) ? message.subject : `${FORWARD_PREFIX}${message.subject}`;
    const header = i18n.t('mail.compose.forwardHeader');
    return { ...EMPTY_DRAFT, subject, text: `\n\n${header}\n${formatAddress(message.from)}\n${message.subject}\n\n${message.text}`, attachments };
  }
  const subject = /^re:/i.test(message.subject) ? message.subject : `${REPLY_PREFIX}${message.subject}`;
  const first = message.replyTo.length > 0 ? message.replyTo : message.from ? [message.from] : [];
  const to = first.map((a) => a.address);
  const cc = kind === 'replyAll' ? [...message.to, ...message.cc].map((a) => a.address).filter((a) => a.toLowerCase() !== self.toLowerCase() && !to.includes(a)) : [];
  return {
    ...EMPTY_DRAFT,
    to: to.join(', '),
    cc: cc.join(', '),
    subject,
    text: `\n\n${i18n.t('mail.compose.wrote', { who: formatAddress(message.from) })}\n${quoted}`,
    ...(message.messageId ? { inReplyTo: message.messageId } : {}),
  };
}
