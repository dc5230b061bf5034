// Mail arriving at the MX for local recipients: trace headers, sender authentication, durable delivery.
import { MailwardError } from '../errors/index.js';
import type { Account } from '../accounts/index.js';
import type { Forwarding } from './forwarding.js';
import { FORWARDED_HEADER, isForwardingLoop } from './forwarding.js';
import type { DeliveryItem, MailStore, StoredMessage } from '../mailbox/mail-store.js';
import { readHeaderBlock } from '../mailbox/mime/index.js';
import type { QueuedRecipient } from './outbound.js';
import { enqueueRemote } from './outbound.js';
import type { RecipientResolver } from './recipients.js';
import type { MessageSigner } from './submission.js';
import type { LocalSenderPolicy } from './local-sender-claims.js';
import { checkLocalSenderClaims } from './local-sender-claims.js';
import { receivedHeader } from './trace-headers.js';

/** What sender authentication (SPF, DKIM, DMARC, ARC) answers for one message. */
export interface SenderVerdict {
  /** Authentication-Results header line(s), CRLF-terminated, to prepend. */
  header: string;
  /** Stored with the message; `dkim` lists each signature's domain and result. */
  verdicts: { dkim?: ReadonlyArray<{ domain: string; result: string }> };
  /** Set when policy says to refuse the message (DMARC p=reject with enforcement on). */
  reject?: { code: number; enhanced: string; message: string };
}

export interface SenderChecker {
  check(input: { raw: Buffer; ip: string; helo: string; mailFrom: string; hostname: string; recipientDomains: string[] }): Promise<SenderVerdict>;
  /** Removes Authentication-Results headers that claim to come from us (RFC 8601 §5). */
  stripForged?(raw: Buffer, hostname: string): Buffer;
}

export interface InboundDeliveryDeps {
  mail: MailStore;
  hostname: string;
  now: () => number;
  sender?: SenderChecker;
  /** Refuses unproven claims of our own domains as sender; without it, any sender is taken as given. */
  localSenders?: LocalSenderPolicy;
  /** Auto-forwarding; without it every local recipient simply gets the message. */
  forwarding?: {
    lists: Forwarding;
    recipients: RecipientResolver;
    /** SRS: the envelope sender a forwarded copy carries, so SPF at the next hop passes. */
    rewriteSender: (mailFrom: string, forwardingDomain: string) => string;
    signer?: MessageSigner;
    kickOutbound?: () => void;
  };
}

export interface InboundMessage {
  raw: Buffer;
  mailFrom: string;
  recipients: Array<{ address: string; accountId: number }>;
  remoteIp: string;
  helo: string;
  tls?: { protocol?: string; cipher?: string };
  /** Original senders a bounce to our SRS addresses goes back to (queued with a null sender). */
  returnTo?: string[];
}

export class InboundDelivery {
  constructor(private readonly deps: InboundDeliveryDeps) {}

  /** Resolves once every recipient's copy is committed; throws (nothing stored) when refused. */
  async receive(message: InboundMessage): Promise<StoredMessage[]> {
    const { deps } = this;
    const now = deps.now();
    let raw: Buffer = deps.sender?.stripForged ? deps.sender.stripForged(message.raw, deps.hostname) : message.raw;
    let authResults: SenderVerdict['verdicts'] | undefined;
    if (deps.sender) {
      const verdict = await deps.sender.check({
        raw,
        ip: message.remoteIp,
        helo: message.helo,
        mailFrom: message.mailFrom,
        hostname: deps.hostname,
        recipientDomains: [...new Set(message.recipients.map((r) => r.address.split('@')[1] ?? ''))],
      });
      if (verdict.reject) {
        throw new MailwardError('FORBIDDEN', { message: verdict.reject.message, details: { smtp: verdict.reject } });
      }
      raw = Buffer.concat([Buffer.from(verdict.header), raw]);
      authResults = verdict.verdicts;
    }
    if (deps.localSenders) {
      const dkimPassed = (authResults?.dkim ?? []).filter((r) => r.result === 'pass').map((r) => r.domain);
      await checkLocalSenderClaims(deps.localSenders, { raw: message.raw, mailFrom: message.mailFrom, remoteIp: message.remoteIp, dkimPassed });
    }
    const received = receivedHeader(message, {
      hostname: deps.hostname,
      authenticated: false,
      ...(message.recipients.length === 1 ? { recipient: message.recipients[0]!.address } : {}),
      time: now,
    });
    raw = Buffer.concat([Buffer.from(received), raw]);
    const plan = await this.#plan(raw, message.mailFrom, message.recipients);
    if (message.returnTo?.length) {
      const returns = message.returnTo.map((address) => ({ address, domain: address.split('@')[1] ?? '' }));
      plan.queue.push({ item: 0, accountId: null, mailFrom: '', recipients: returns });
    }
    return deps.mail.deliverBatch({
      items: [{ raw, targets: plan.own, ...(authResults !== undefined ? { authResults } : {}) }, ...plan.forwardedItems],
      internalDate: now,
      ...(plan.queue.length
        ? {
            alsoInTransaction: async (tx, blobs) => {
              for (const entry of plan.queue) {
                await enqueueRemote(tx, { accountId: entry.accountId, mailFrom: entry.mailFrom, recipients: entry.recipients, blob: blobs[entry.item]!, now });
              }
            },
          }
        : {}),
    }).finally(() => {
      if (plan.queue.length) deps.forwarding?.kickOutbound?.();
    });
  }

  /** Who gets which version: owners keep the original; forwarded copies carry our header, a DKIM signature and an SRS sender. */
  async #plan(raw: Buffer, mailFrom: string, recipients: InboundMessage['recipients']): Promise<{
    own: DeliveryItem['targets'];
    forwardedItems: DeliveryItem[];
    queue: Array<{ item: number; accountId: number | null; mailFrom: string; recipients: QueuedRecipient[] }>;
  }> {
    const own: DeliveryItem['targets'] = [];
    const forwardedItems: DeliveryItem[] = [];
    const queue: Array<{ item: number; accountId: number | null; mailFrom: string; recipients: QueuedRecipient[] }> = [];
    const forwarding = this.deps.forwarding;
    if (!forwarding) return { own: recipients.map((r) => ({ accountId: r.accountId })), forwardedItems, queue };
    const header = readHeaderBlock(raw, 0);
    const names = header.fields.map((f) => f.name.toLowerCase());
    const forwardedBy = header.fields.filter((f) => f.name.toLowerCase() === FORWARDED_HEADER.toLowerCase()).map((f) => f.value.trim().toLowerCase());
    for (const recipient of recipients) {
      const resolved = await forwarding.recipients.resolve(recipient.address);
      const account: Account | undefined = resolved.kind === 'local' ? resolved.account : undefined;
      const settings = account ? await forwarding.lists.get(account) : { addresses: [], keepCopy: true };
      const forward =
        account !== undefined &&
        settings.addresses.length > 0 &&
        !isForwardingLoop(names, forwardedBy, account.address) &&
        (await forwarding.lists.allowForward(account));
      if (!forward || settings.keepCopy) own.push({ accountId: recipient.accountId });
      if (!forward || !account) continue;
      const domain = account.address.split('@')[1] ?? this.deps.hostname;
      let copy: Buffer = Buffer.concat([Buffer.from(`${FORWARDED_HEADER}: ${account.address}\r\n`), raw]);
      if (forwarding.signer) copy = await forwarding.signer.sign(copy, { domain });
      const item = forwardedItems.length + 1;
      const localTargets: DeliveryItem['targets'] = [];
      const remote: QueuedRecipient[] = [];
      for (const address of settings.addresses) {
        const target = await forwarding.recipients.resolve(address);
        if (target.kind === 'local') localTargets.push({ accountId: target.account.id });
        else if (target.kind === 'remote') remote.push({ address: target.address, domain: target.domain });
      }
      forwardedItems.push({ raw: copy, targets: localTargets });
      if (remote.length) {
        queue.push({ item, accountId: account.id, mailFrom: mailFrom ? forwarding.rewriteSender(mailFrom, domain) : '', recipients: remote });
      }
    }
    return { own, forwardedItems, queue };
  }
}
