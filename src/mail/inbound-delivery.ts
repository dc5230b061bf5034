// Mail arriving at the MX for local recipients: trace headers, sender authentication, durable delivery.
import { randomBytes } from 'node:crypto';
import { MailwardError } from '../errors/index.js';
import type { MailStore, StoredMessage } from './mail-store.js';
import { receivedHeader } from './trace-headers.js';

/** What sender authentication (SPF, DKIM, DMARC, ARC) answers for one message. */
export interface SenderVerdict {
  /** Authentication-Results header line(s), CRLF-terminated, to prepend. */
  header: string;
  verdicts: unknown;
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
}

export interface InboundMessage {
  raw: Buffer;
  mailFrom: string;
  recipients: Array<{ address: string; accountId: number }>;
  remoteIp: string;
  helo: string;
  tls?: { protocol?: string; cipher?: string };
}

export class InboundDelivery {
  constructor(private readonly deps: InboundDeliveryDeps) {}

  /** Resolves once every recipient's copy is committed; throws (nothing stored) when refused. */
  async receive(message: InboundMessage): Promise<StoredMessage[]> {
    const { deps } = this;
    const now = deps.now();
    let raw: Buffer = deps.sender?.stripForged ? deps.sender.stripForged(message.raw, deps.hostname) : message.raw;
    let authResults: unknown;
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
    const received = receivedHeader({
      helo: message.helo,
      remoteIp: message.remoteIp,
      hostname: deps.hostname,
      protocol: message.tls ? 'ESMTPS' : 'ESMTP',
      id: randomBytes(8).toString('hex'),
      ...(message.recipients.length === 1 ? { recipient: message.recipients[0]!.address } : {}),
      ...(message.tls ? { tls: message.tls } : {}),
      time: now,
    });
    raw = Buffer.concat([Buffer.from(received), raw]);
    return deps.mail.deliver({
      raw,
      targets: message.recipients.map((r) => ({ accountId: r.accountId })),
      internalDate: now,
      ...(authResults !== undefined ? { authResults } : {}),
    });
  }
}
