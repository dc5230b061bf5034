// Mail submitted by an authenticated user: volume limits, identity headers, DKIM, local delivery, the queue, a Sent copy.
import type { Account } from '../accounts/index.js';
import { MailwardError } from '../errors/index.js';
import type { DeliveryTarget, MailStore } from '../mailbox/mail-store.js';
import type { DSNRequest, QueuedRecipient } from './outbound.js';
import { enqueueRemote } from './outbound.js';
import type { RecipientResolver } from './recipients.js';
import { headerNames, newMessageId, receivedHeader, rfc5322Date } from './trace-headers.js';

/**
 * The sending-volume limit that submission asks before a message goes out (the security core's
 * VolumeLimits, wired in by the composition root): transport depends on this port, not on security.
 */
export interface SendingVolumeGate {
  count(options: { account: Account; kind: 'smtp'; messages: number }): Promise<{ ok: true } | { ok: false; limit: string; max: number }>;
}

export interface MessageSigner {
  /** Returns the message with a DKIM-Signature prepended (unchanged when the domain has no key). */
  sign(raw: Buffer, options: { domain: string }): Promise<Buffer>;
}

export interface SubmissionDeps {
  mail: MailStore;
  recipients: RecipientResolver;
  volume: SendingVolumeGate;
  hostname: string;
  now: () => number;
  signer?: MessageSigner;
  /** Wakes the outbound worker after remote recipients were queued. */
  kickOutbound?: () => void;
}

export interface SubmittedMessage {
  account: Account;
  raw: Buffer;
  mailFrom: string;
  recipients: Array<{ address: string; dsn?: DSNRequest }>;
  remoteIp: string;
  helo: string;
  tls?: { protocol?: string; cipher?: string };
}

export class Submission {
  constructor(private readonly deps: SubmissionDeps) {}

  /** May this account use `address` as envelope sender (or From)? Its own address and aliases only. */
  async maySendAs(account: Account, address: string): Promise<boolean> {
    return (await this.deps.recipients.sendableAddresses(account)).has(address.toLowerCase());
  }

  /**
   * Accepts the message for every recipient or for none: local copies, queue rows and the Sent
   * copy commit in one transaction, after the volume limit let it through.
   */
  async submit(message: SubmittedMessage): Promise<{ local: number; queued: number }> {
    const { deps } = this;
    const verdict = await deps.volume.count({ account: message.account, kind: 'smtp', messages: 1 });
    if (!verdict.ok) {
      throw new MailwardError('LIMIT', {
        message: `sending limit ${verdict.limit} (${verdict.max}) exceeded; the account is disabled`,
        details: { limit: verdict.limit, max: verdict.max },
      });
    }
    const now = deps.now();
    const names = headerNames(message.raw);
    let head = receivedHeader(message, { hostname: deps.hostname, authenticated: true, time: now });
    // RFC 6409 §8.1–8.3: a submission server may add a missing Date and Message-ID.
    if (!names.has('date')) head += `Date: ${rfc5322Date(now)}\r\n`;
    if (!names.has('message-id')) head += `Message-ID: ${newMessageId(deps.hostname)}\r\n`;
    let raw: Buffer = Buffer.concat([Buffer.from(head), message.raw]);
    const senderDomain = message.mailFrom.split('@')[1];
    if (deps.signer && senderDomain) raw = await deps.signer.sign(raw, { domain: senderDomain });

    const targets: DeliveryTarget[] = [];
    const remote: QueuedRecipient[] = [];
    for (const recipient of message.recipients) {
      const resolved = await deps.recipients.resolve(recipient.address);
      if (resolved.kind === 'local') {
        // One copy per account, however many of its addresses (address, aliases) were named.
        if (!targets.some((t) => t.accountId === resolved.account.id)) targets.push({ accountId: resolved.account.id });
      } else if (resolved.kind === 'remote') remote.push({ address: resolved.address, domain: resolved.domain, ...(recipient.dsn ? { dsn: recipient.dsn } : {}) });
      else throw new MailwardError('NOT_FOUND', { message: `recipient ${recipient.address} does not exist here` });
    }
    targets.push({ accountId: message.account.id, specialUse: 'Sent', flags: { seen: true } });
    await deps.mail.deliver({
      raw,
      targets,
      internalDate: now,
      ...(remote.length
        ? {
            alsoInTransaction: async (tx, blob) => {
              await enqueueRemote(tx, { accountId: message.account.id, mailFrom: message.mailFrom, recipients: remote, blob, now });
            },
          }
        : {}),
    });
    if (remote.length) deps.kickOutbound?.();
    return { local: targets.length - 1, queued: remote.length };
  }
}
