// Mail the server writes itself (security alerts, verification codes, reset links): an RFC 5322 message stored in a local INBOX or put in the outbound queue.
import { MailwardError } from '../errors/index.js';
import type { SecurityMailer, SecurityMessage } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import type { MailStore } from '../mailbox/mail-store.js';
import { enqueueRemote } from './outbound.js';
import type { RecipientResolver } from './recipients.js';
import type { MessageSigner } from './submission.js';
import { newMessageId } from './trace-headers.js';

export const SYSTEM_SENDER_NAME = 'Mailward Security';

export interface SystemMailerDeps {
  mail: MailStore;
  store: Pick<Store, 'blobs' | 'transaction'>;
  recipients: Pick<RecipientResolver, 'resolve'>;
  /** The server's host name: From is postmaster@ it, Message-IDs end in it. */
  hostname: string;
  now: () => number;
  /** DKIM-signs copies that leave the server with the host name's key, when it has one. */
  signer?: MessageSigner;
  /** Wakes the outbound worker after a remote copy was queued (the worker polls the queue anyway). */
  onEnqueued?: () => void;
}

export class SystemMailer implements SecurityMailer {
  constructor(private readonly deps: SystemMailerDeps) {}

  /** postmaster@HOSTNAME: RFC 5321 §4.5.1 requires the name to exist, so replies reach a person. */
  get from(): string {
    return `postmaster@${this.deps.hostname}`;
  }

  /**
   * The message as it is stored or sent: Date, Message-ID, From "Mailward Security", and
   * `Auto-Submitted: auto-generated` (RFC 3834 §5), so vacation responders and other automatic
   * replies stay silent instead of answering a notice (and perhaps looping). UTF-8 text, encoded
   * by MailComposer (quoted-printable where needed).
   */
  async compose(message: SecurityMessage): Promise<Buffer> {
    // Loaded on the first notice: most of the time a server sends none.
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    const composer = new MailComposer({
      from: { name: SYSTEM_SENDER_NAME, address: this.from },
      to: message.to,
      subject: message.subject,
      text: message.text,
      date: new Date(this.deps.now()),
      messageId: newMessageId(this.deps.hostname),
      headers: {
        'Auto-Submitted': 'auto-generated',
        // Exchange and Outlook do not honour Auto-Submitted; this asks them not to auto-reply either.
        'X-Auto-Response-Suppress': 'All',
      },
      newline: 'win',
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    return composer.compile().build();
  }

  /**
   * A local address (an account or an alias of one) gets the message in its INBOX at once, with
   * no SMTP round trip; anything else goes into the outbound queue with the null reverse-path
   * (RFC 5321 §4.5.5), so a notice that cannot be delivered is dropped rather than bounced back
   * into a loop. Unknown local names are refused: there is no one to tell.
   */
  async send(message: SecurityMessage): Promise<void> {
    const target = await this.deps.recipients.resolve(message.to);
    if (target.kind === 'invalid') throw new MailwardError('INVALID_ADDRESS', { message: 'system mail: the recipient address is not valid' });
    if (target.kind === 'unknown') throw new MailwardError('NOT_FOUND', { message: `system mail: no local account ${target.address}` });
    let raw = await this.compose({ ...message, to: target.address });
    if (target.kind === 'local') {
      await this.deps.mail.deliver({ raw, targets: [{ accountId: target.account.id }], internalDate: this.deps.now() });
      return;
    }
    if (this.deps.signer) raw = await this.deps.signer.sign(raw, { domain: this.deps.hostname });
    const blob = await this.deps.store.blobs.put(raw);
    const now = this.deps.now();
    await this.deps.store.transaction((tx) =>
      enqueueRemote(tx, { accountId: null, mailFrom: '', recipients: [{ address: target.address, domain: target.domain }], blob, now }),
    );
    this.deps.onEnqueued?.();
  }
}
