// The answers the webmail reads, named: each the output type of its schema, so the browser needs no copy of its own.
import type { z } from 'zod';
import type { ResponseOf } from './endpoint.js';
import type { composedMessage, mailFolder, imageSender } from './mail-api.js';
import type { MESSAGE_API, mailAddress, mailMessage, messageAttachment, messageListItem } from './message-api.js';
import type { NOTIFICATION_API, alertPreference, securityNotification } from './notification-api.js';
import type { passkey } from './passkey-api.js';
import type { alternateEmailStatus, passwordResetCheck, passwordResetRequested } from './recovery-api.js';
import type {
  SECURITY_API,
  appPassword,
  backupCodeSet,
  createdAppPassword,
  device,
  enrolment,
  loginRecord,
  mailClient,
  mailServices,
  passwordSettings,
  twoFactorStatus,
} from './security-api.js';
import type { secondFactorNeeded, sessionInfo, signedIn } from './session-api.js';
import type { forwardingSettings, profileSettings } from './settings-api.js';
import type { credentialJSON, protocol } from './fields.js';

export type Protocol = z.output<typeof protocol>;

/** The browser's PublicKeyCredential as JSON, as a passkey ceremony sends it back. */
export type CredentialJSON = z.input<typeof credentialJSON>;

export type SignedInAnswer = z.output<typeof signedIn>;
export type SecondFactorAnswer = z.output<typeof secondFactorNeeded>;
export type SessionAnswer = z.output<typeof sessionInfo>;

export type Device = z.output<typeof device>;
export type DeviceLog = ResponseOf<(typeof SECURITY_API)['devices']>;
export type LoginRecord = z.output<typeof loginRecord>;
export type LoginRecordPage = ResponseOf<(typeof SECURITY_API)['loginRecords']>;
export type PasswordSettings = z.output<typeof passwordSettings>;
export type MailServices = z.output<typeof mailServices>;
export type TwoFactorStatus = z.output<typeof twoFactorStatus>;
export type Enrolment = z.output<typeof enrolment>;
export type BackupCodeSet = z.output<typeof backupCodeSet>;
export type EnabledTwoFactor = ResponseOf<(typeof SECURITY_API)['confirmTOTP']>;
export type MailClient = z.output<typeof mailClient>;
export type AppPassword = z.output<typeof appPassword>;
export type CreatedAppPassword = z.output<typeof createdAppPassword>;
export type Passkey = z.output<typeof passkey>;

export type AlternateEmailStatus = z.output<typeof alternateEmailStatus>;
export type PasswordResetRequested = z.output<typeof passwordResetRequested>;
export type PasswordResetCheck = z.output<typeof passwordResetCheck>;

export type SecurityNotification = z.output<typeof securityNotification>;
export type NotificationList = ResponseOf<(typeof NOTIFICATION_API)['list']>;
export type AlertPreference = z.output<typeof alertPreference>;

export type MailFolder = z.output<typeof mailFolder>;
export type MailAddress = z.output<typeof mailAddress>;
export type MessageListItem = z.output<typeof messageListItem>;
export type MessagePage = ResponseOf<(typeof MESSAGE_API)['list']>;
export type MessageAttachment = z.output<typeof messageAttachment>;
export type MailMessage = z.output<typeof mailMessage>;
export type ImageSender = z.output<typeof imageSender>;
/** A message of the compose form, as send and drafts take it. */
export type ComposedMessage = z.input<typeof composedMessage>;

export type ProfileSettings = z.output<typeof profileSettings>;
export type ForwardingSettings = z.output<typeof forwardingSettings>;
