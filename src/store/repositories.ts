// Every repository of the store in one type: what a transaction hands its work, and what Store extends.
import type { BlobRepository } from './repositories/blob-repository.js';
import type { AccountRepository } from './repositories/account-repository.js';
import type { AliasRepository } from './repositories/alias-repository.js';
import type { DomainRepository } from './repositories/domain-repository.js';
import type { PolicyRepository } from './repositories/policy-repository.js';
import type { LoginRecordRepository } from './repositories/login-record-repository.js';
import type { AppPasswordRepository } from './repositories/app-password-repository.js';
import type { AuditRepository } from './repositories/audit-repository.js';
import type { MailRepository } from './repositories/mail-repository.js';
import type { OutboundRepository } from './repositories/outbound-repository.js';
import type { DKIMRepository } from './repositories/dkim-repository.js';
import type { ForwardingRepository } from './repositories/forwarding-repository.js';
import type { TwoFactorRepository } from './repositories/two-factor-repository.js';
import type { DeviceRepository } from './repositories/device-repository.js';
import type { PasskeyRepository } from './repositories/passkey-repository.js';
import type { AlternateEmailRepository } from './repositories/alternate-email-repository.js';
import type { PasswordResetRepository } from './repositories/password-reset-repository.js';
import type { NotificationRepository } from './repositories/notification-repository.js';
import type { ImageSenderRepository } from './repositories/image-sender-repository.js';
import type { SubscriptionRepository } from './repositories/subscription-repository.js';
import type { RenderingRepository } from './repositories/rendering-repository.js';

export interface Repositories {
  domains: DomainRepository;
  accounts: AccountRepository;
  aliases: AliasRepository;
  policies: PolicyRepository;
  loginRecords: LoginRecordRepository;
  appPasswords: AppPasswordRepository;
  audit: AuditRepository;
  mail: MailRepository;
  outbound: OutboundRepository;
  dkim: DKIMRepository;
  forwarding: ForwardingRepository;
  twoFactor: TwoFactorRepository;
  devices: DeviceRepository;
  passkeys: PasskeyRepository;
  alternateEmails: AlternateEmailRepository;
  passwordResets: PasswordResetRepository;
  /** In-app notifications and alert preferences. */
  notifications: NotificationRepository;
  /** The webmail's "always show images from this sender" list. */
  imageSenders: ImageSenderRepository;
  /** IMAP subscriptions: mailbox names, which outlive their mailboxes. */
  subscriptions: SubscriptionRepository;
  /** Message bodies kept as rows (see BlobStore.inlineLimit); read them through `Store.blobs`. */
  blobRows: BlobRepository;
  /** ENVELOPE, BODY and BODYSTRUCTURE text of each stored body, written at delivery, and the FETCH rows that carry it. */
  renderings: RenderingRepository;
}
