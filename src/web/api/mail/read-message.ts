// A stored message as the webmail shows it: read within the MIME limits (message-content.ts), HTML sanitised on the server (no script; remote images blocked, or through the image proxy when allowed), sender warnings.
import sanitizeHtml from 'sanitize-html';
import type { MessageRow } from '../../../mailbox/index.js';
import type { MailMessage } from '../../contract/index.js';
import { MAX_IMAGE_URL_LENGTH } from '../../contract/index.js';
import { imageSenderKey } from './image-sender-routes.js';
import type { MailAPIDeps } from './mail-deps.js';
import type { MessageContent } from './message-content.js';

export interface SanitizedHTML {
  html: string;
  remoteImagesBlocked: boolean;
}

const SAFE_LINK = /^(https?:|mailto:)/i;
const REMOTE = /^https?:/i;

/**
 * Mail HTML is hostile: script, event handlers, forms and frames could act as the signed-in user
 * inside the webmail's origin, and a remote image tells the sender when and where the mail was
 * read (a tracking pixel). Everything not on the allow-list goes; remote image URLs are moved to
 * data-remote-src (the page may offer to load them) unless the reader allowed them — and then
 * they point at the image proxy (`proxyURL`), never at the sender's host: the browser never
 * talks to it, so the reader's address and reading time stay private.
 */
export function sanitizeMessageHTML(
  html: string,
  options: { remoteImages: 'block' | { proxyURL: (url: string) => string }; cidURL: (cid: string) => string | undefined },
): SanitizedHTML {
  let remoteImagesBlocked = false;
  const cell = ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'];
  const out = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span', 'div'],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-remote-src'],
      table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
      td: cell,
      th: cell,
      font: ['color', 'size', 'face'],
      '*': ['dir', 'lang', 'align'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => {
        const { href, ...rest } = attribs;
        // A relative link would open a page of the webmail itself; only absolute web and mailto links are kept.
        const keep = href !== undefined && SAFE_LINK.test(href.trim());
        return { tagName, attribs: { ...rest, ...(keep ? { href: href.trim(), target: '_blank', rel: 'noopener noreferrer nofollow' } : {}) } };
      },
      img: (tagName, attribs) => {
        const { src, 'data-remote-src': _ignored, ...rest } = attribs;
        const value = src?.trim() ?? '';
        if (/^cid:/i.test(value)) {
          const url = options.cidURL(value.slice(4));
          return { tagName, attribs: { ...rest, ...(url ? { src: url } : {}) } };
        }
        if (!REMOTE.test(value)) return { tagName, attribs: rest };
        if (options.remoteImages !== 'block' && value.length <= MAX_IMAGE_URL_LENGTH) return { tagName, attribs: { ...rest, src: options.remoteImages.proxyURL(value) } };
        remoteImagesBlocked = true;
        return { tagName, attribs: { ...rest, 'data-remote-src': value } };
      },
    },
  });
  return { html: out, remoteImagesBlocked };
}

interface StoredVerdicts {
  spf?: string;
  dkim?: Array<{ domain: string; result: string }>;
  dmarc?: { result: string; policy: string | null; domain: string | null };
}

export interface MessageWarning {
  code: 'AUTHENTICATION_FAILED' | 'DISPLAY_NAME_IMITATES_LOCAL_USER';
  message: string;
}

/** The SPF/DKIM/DMARC verdicts SMTP stored at delivery (null for mail that did not come in over SMTP from outside). */
function verdictsOf(row: MessageRow): { spf: string; dkim: Array<{ domain: string; result: string }>; dmarc: string } | null {
  if (row.auth_results === null) return null;
  try {
    const v = JSON.parse(row.auth_results) as StoredVerdicts;
    return { spf: v.spf ?? 'none', dkim: (v.dkim ?? []).map((d) => ({ domain: d.domain, result: d.result })), dmarc: v.dmarc?.result ?? 'none' };
  } catch {
    return null;
  }
}

function authenticationFailed(v: NonNullable<ReturnType<typeof verdictsOf>>): boolean {
  return v.spf === 'fail' || v.spf === 'softfail' || v.dmarc === 'fail' || v.dkim.some((d) => d.result === 'fail');
}

/**
 * True when the From address is the one the sending domain vouched for: DMARC passed (SPF or
 * DKIM aligned with the From domain), or, without a DMARC verdict, a valid DKIM signature of the
 * From domain itself. SPF alone is not enough: it checks the envelope sender, which the reader
 * never sees. Mail that did not arrive over SMTP from outside (no verdicts) is not authenticated.
 */
function senderAuthenticated(verdicts: ReturnType<typeof verdictsOf>, fromAddress: string | undefined): boolean {
  if (!verdicts || !fromAddress) return false;
  // Anything that earns the AUTHENTICATION_FAILED warning earns no trust either.
  if (authenticationFailed(verdicts)) return false;
  if (verdicts.dmarc === 'pass') return true;
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  return verdicts.dkim.some((d) => d.result === 'pass' && d.domain.toLowerCase() === domain);
}

/** The sender's key in the image-senders list, or undefined for an address Mailward cannot normalise. */
function senderKeyOf(address: string): string | undefined {
  try {
    return imageSenderKey(address);
  } catch {
    return undefined;
  }
}

const ADDRESS_IN_TEXT = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[^\s<>"'(),;:]+/g;

/**
 * "Alice <alice@our.domain> <x@evil.example>" or a display name copied from a colleague is the
 * usual dress of a phishing mail: the reader sees a name they trust, the address is elsewhere.
 */
async function impersonation(deps: MailAPIDeps, from: { name: string; address: string } | undefined): Promise<MessageWarning | undefined> {
  if (!from || from.name.trim() === '' || from.address === '') return undefined;
  const sender = await deps.recipients.resolve(from.address);
  if (sender.kind !== 'remote') return undefined;
  for (const [found] of from.name.matchAll(ADDRESS_IN_TEXT)) {
    if (found.toLowerCase() === from.address.toLowerCase()) continue;
    if ((await deps.recipients.resolve(found)).kind === 'local') {
      return { code: 'DISPLAY_NAME_IMITATES_LOCAL_USER', message: `The sender's name shows ${found}, a local address, but the mail came from ${from.address}.` };
    }
  }
  const name = from.name.trim().toLowerCase();
  const users = await deps.accounts.listUsers();
  const local = users.find((u) => u.displayName.trim() !== '' && u.displayName.trim().toLowerCase() === name);
  if (local) return { code: 'DISPLAY_NAME_IMITATES_LOCAL_USER', message: `The sender uses the name of ${local.displayName}, a local user, but the mail came from ${from.address}.` };
  return undefined;
}

function attachmentList(content: MessageContent): MailMessage['attachments'] {
  return content.attachments.map((a, index) => ({ index, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline }));
}

/**
 * The read view of one message: an allow-list of fields. Remote images go through the proxy when
 * the reader asked for them this time (`allowRemoteImages`) or put the sender on the list.
 */
export async function presentMessage(
  deps: MailAPIDeps,
  row: MessageRow,
  content: MessageContent,
  options: { accountId: number; allowRemoteImages: boolean; proxyURL: (url: string) => string; attachmentURL: (index: number) => string },
): Promise<MailMessage> {
  const senders = content.from;
  const from = senders[0];
  const authentication = verdictsOf(row);
  // With several From addresses the verdicts cannot say which one they vouch for.
  const authenticated = senders.length === 1 && senderAuthenticated(authentication, from?.address);
  // The list is honoured only for mail that passed sender authentication: a From header is one line
  // anyone can write, and a forged "newsletter@bank.example" would otherwise unlock its tracking
  // images (and learn that, and when, the mail was read) just by naming a sender the user trusts.
  const senderKey = from && authenticated ? senderKeyOf(from.address) : undefined;
  const imagesAllowedForSender = senderKey !== undefined && (await deps.imageSenders.has(options.accountId, senderKey));
  const cids = new Map(content.attachments.flatMap((a, index) => (a.cid ? [[a.cid.toLowerCase(), index] as const] : [])));
  const sanitized =
    content.html !== undefined
      ? sanitizeMessageHTML(content.html, {
          remoteImages: options.allowRemoteImages || imagesAllowedForSender ? { proxyURL: options.proxyURL } : 'block',
          cidURL: (cid) => {
            const index = cids.get(cid.toLowerCase());
            return index === undefined ? undefined : `${options.attachmentURL(index)}?inline=true`;
          },
        })
      : null;
  const warnings: MessageWarning[] = [];
  if (authentication && authenticationFailed(authentication)) {
    warnings.push({ code: 'AUTHENTICATION_FAILED', message: 'This message failed sender authentication (SPF, DKIM or DMARC): it may not come from who it claims.' });
  }
  const imitation = await impersonation(deps, from);
  if (imitation) warnings.push(imitation);
  return {
    uid: row.uid,
    from: from ?? null,
    to: content.to,
    cc: content.cc,
    // Only the sender's own copies have one (a draft keeps it for the compose form to reopen).
    bcc: content.bcc,
    replyTo: content.replyTo,
    subject: content.subject ?? '',
    date: (content.date ?? new Date(row.internal_date)).getTime(),
    messageId: content.messageId ?? null,
    inReplyTo: content.inReplyTo ?? null,
    text: content.text,
    html: sanitized?.html ?? null,
    remoteImagesBlocked: sanitized?.remoteImagesBlocked ?? false,
    imagesAllowedForSender,
    senderAuthenticated: authenticated,
    attachments: attachmentList(content),
    partCount: content.partCount,
    partial: content.partial,
    authentication,
    warnings,
    seen: row.seen === 1,
    flagged: row.flagged === 1,
    answered: row.answered === 1,
  };
}
