// The shapes of the API answers the webmail reads (see GET /api/docs); the app imports nothing from the server, so they are written out here.

export type Protocol = 'smtp' | 'imap' | 'pop3';

/** POST /api/v1/session and /session/second-factor when the user is in. */
export interface SignedInAnswer {
  status: 'signed_in';
  address: string;
  displayName: string | null;
  csrfToken: string;
  mustChangePassword: boolean;
  mustEnrollTwoFactor: boolean;
  secondFactor?: 'totp' | 'backup_code' | 'trusted_device' | string;
  /** The language the user chose in Profile ('' or absent: the browser's). */
  language?: string;
  backupCodesRemaining?: number;
  remindBackupCodes?: boolean;
}

/** POST /api/v1/session when a code is needed first. */
export interface SecondFactorAnswer {
  status: 'second_factor';
  pendingToken: string;
  methods: string[];
}

/** GET /api/v1/session. */
export interface SessionAnswer {
  address: string;
  displayName: string | null;
  csrfToken: string;
  deviceId: string;
  mustChangePassword: boolean;
  mustEnrollTwoFactor: boolean;
  language?: string;
}

export interface LoginRecord {
  id: number;
  time: number;
  protocol: string;
  ip: string;
  client: string;
  result: string;
  reason: string;
  credential: string | null;
  location: string;
}

export interface LoginRecordPage {
  records: LoginRecord[];
  nextCursor?: string;
}

export type MailServices = Record<Protocol, boolean>;

export interface Device {
  id: string;
  kind: 'browser' | 'mail_client';
  protocol: string;
  os: string;
  client: string;
  status: 'current' | 'signed_in' | 'logged_out';
  trusted: boolean;
  trustedUntil: number | null;
  firstLoginAt: number;
  lastLoginAt: number;
  lastIp: string;
  lastLocation: string;
}

export interface DeviceLog {
  trusted: Device[];
  other: Device[];
}

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: number | null;
  pending: boolean;
  backupCodes: { total: number; remaining: number; createdAt: number | null; remind: boolean };
  requirement: { required: boolean; graceEndsAt: number | null; graceLoginsLeft: number | null; mustEnroll: boolean };
}

export interface Enrolment {
  uri: string;
  qrSVG: string;
  secret: string;
  issuer: string;
  label: string;
  expiresAt: number;
}

export interface BackupCodeSet {
  codes: string[];
  text: string;
  createdAt: number;
}

export interface MailClient {
  protocol: Protocol;
  client: string;
  lastIp: string;
  lastLocation: string;
  lastSeenAt: number;
  logins: number;
  suggestedName: string;
}

export interface EnabledTwoFactor {
  backupCodes: BackupCodeSet;
  mailClients: MailClient[];
  csrfToken: string;
}

export interface AppPassword {
  id: number;
  name: string;
  protocols: Protocol[];
  createdAt: number;
  createdIp: string;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

/** A new app password: its secret is in this answer only. */
export interface CreatedAppPassword {
  appPassword: AppPassword;
  secret: string;
}

/** POST /api/v1/password-reset: the one answer, whatever the address. */
export interface PasswordResetRequested {
  accepted: true;
  message: string;
}

/** POST /api/v1/password-reset/check. */
export type PasswordResetCheck = { valid: false } | { valid: true; address: string; secondFactorRequired: boolean; expiresAt: number };

/** GET /api/v1/security/alternate-email, and the answer of a verified code. */
export interface AlternateEmailStatus {
  address: string | null;
  verifiedAt: number | null;
  pending: { address: string; expiresAt: number } | null;
}

/** GET /api/v1/security/password-settings. */
export interface PasswordSettings {
  strength: { level: 'none' | 'medium' | 'strong' | 'very_strong'; minLength: number; classes: number };
  securityCodeEnabled: boolean;
  hasSecurityCode: boolean;
  securityCodeRequired: boolean;
  hintsEnabled: boolean;
  hint: string;
  passwordChangedAt: number | null;
}

export interface Passkey {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  backedUp: boolean;
  transports: string[];
}

/** Options for navigator.credentials.create/get in their JSON form, and the flow they belong to. */
export interface PasskeyCeremony<O> {
  flowId: string;
  options: O;
  expiresAt: number;
}

export interface SecurityNotification {
  id: number;
  kind: string;
  title: string;
  body: string;
  createdAt: number;
  readAt: number | null;
}

export interface NotificationList {
  notifications: SecurityNotification[];
  nextCursor?: string;
  unread: number;
}

export interface AlertPreference {
  kind: string;
  enabled: boolean;
  critical: boolean;
}

/** GET /api/v1/mail/folders. */
export interface MailFolder {
  name: string;
  specialUse: string | null;
  total: number;
  unread: number;
}

export interface MailAddress {
  name: string;
  address: string;
}

/** One row of GET /api/v1/mail/folders/:name/messages. */
export interface MessageListItem {
  uid: number;
  from: MailAddress | null;
  to: MailAddress[];
  subject: string;
  date: number;
  seen: boolean;
  flagged: boolean;
  hasAttachments: boolean;
}

export interface MessagePage {
  items: MessageListItem[];
  nextCursor: string | null;
}

/** GET /api/v1/mail/folders/:name/messages/:uid. */
export interface MailMessage {
  uid: number;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** Only on the account's own drafts. */
  bcc: MailAddress[];
  replyTo: MailAddress[];
  subject: string;
  date: number;
  messageId: string | null;
  text: string;
  html: string | null;
  remoteImagesBlocked: boolean;
  attachments: Array<{ index: number; filename: string; contentType: string; size: number; inline: boolean }>;
  authentication: { spf: string; dkim: Array<{ domain: string; result: string }>; dmarc: string } | null;
  warnings: Array<{ code: string; message: string }>;
  seen: boolean;
  flagged: boolean;
}

/** GET and PUT /api/v1/settings/profile. */
export interface ProfileSettings {
  address: string;
  displayName: string;
  /** '' follows the browser; otherwise en, zh-TW or zh-CN. */
  language: string;
  hintsEnabled: boolean;
  /** The password hint, where the administrator enables hints ('' otherwise). */
  hint: string;
}

/** GET and PUT /api/v1/settings/forwarding. */
export interface ForwardingSettings {
  addresses: string[];
  keepCopy: boolean;
  /** The administrator turned the personal security code on and this account has one. */
  securityCodeRequired: boolean;
  maxAddresses: number;
}
