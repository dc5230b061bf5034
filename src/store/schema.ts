// Row types of every table, shared by both dialects (times are epoch milliseconds, flags 0/1).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface DomainsTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface AccountsTable {
  id: Generated<number>;
  address: string;
  local_part: string;
  domain_id: number;
  display_name: string;
  password_hash: string;
  /** 'active' | 'disabled' */
  status: string;
  disabled_reason: string | null;
  disabled_at: number | null;
  /** Bytes; 0 = no quota. */
  quota_bytes: number;
  is_admin: number;
  /** Set for generated one-time passwords: the next sign-in must choose a new password. */
  must_change_password: number;
  created_at: number;
  updated_at: number;
  smtp_enabled: Generated<number>;
  imap_enabled: Generated<number>;
  pop3_enabled: Generated<number>;
  security_code_hash: string | null;
  password_hint: string | null;
  password_changed_at: Generated<number>;
  /** Sessions begun before this time (ms) are revoked. */
  sessions_valid_after: Generated<number>;
  /** Protocol sessions signed in with the account password before this time (ms) are revoked. */
  password_sessions_valid_after: Generated<number>;
  two_factor_enabled: Generated<number>;
  /** Device trust given before this time (ms) no longer counts. */
  trust_valid_after: Generated<number>;
  /** The webmail's language ('' follows the browser; else en, zh-TW or zh-CN). */
  language: Generated<string>;
}

export interface DevicesTable {
  id: string;
  account_id: number;
  /** 'browser' | 'mail_client' */
  kind: string;
  key_hash: string;
  protocol: string;
  os: string;
  client: string;
  first_login_at: number;
  last_login_at: number;
  last_ip: string;
  last_location: string;
  trusted_at: number | null;
  sessions_valid_after: Generated<number>;
}

export interface WebSessionsTable {
  id_hash: string;
  account_id: number;
  device_id: string;
  created_at: number;
  last_active_at: number;
  authenticated_at: number;
  ip: string;
  ended_at: number | null;
  end_reason: string | null;
}

export interface AliasesTable {
  id: Generated<number>;
  address: string;
  domain_id: number;
  account_id: number;
  created_at: number;
}

export interface PoliciesTable {
  /** 'global' or 'domain:<domain name>' */
  scope: string;
  key: string;
  /** JSON text of the value, validated by accounts/policy-schema before it is written. */
  value: string;
  updated_at: number;
}

export interface BlobsTable {
  id: string;
  size: number;
  data: Uint8Array;
  created_at: number;
}

export interface LoginRecordsTable {
  id: Generated<number>;
  time: number;
  account_id: number | null;
  /** The name as typed (normalised when valid), kept for failures against unknown names. */
  username: string;
  protocol: string;
  ip: string;
  client: string;
  result: string;
  reason: string;
  /** 'password' | 'app_password' | null when no secret was verified. */
  credential: string | null;
  /** "City, Region, Country" from the offline GeoIP database, "Local network", "Unknown" ('' before it was recorded). */
  location: Generated<string>;
}

export interface TotpSecretsTable {
  account_id: number;
  /** The active secret, sealed (AES-256-GCM, server key purpose 'totp-encryption'); null while only an enrolment is pending. */
  secret_sealed: string | null;
  /** The secret of an enrolment not yet confirmed with a code, sealed the same way. */
  pending_sealed: string | null;
  pending_created_at: number | null;
  /** The last RFC 6238 time step a code was accepted for; codes of this step or earlier are refused (no replay). */
  last_step: Generated<number>;
  enabled_at: number | null;
  updated_at: number;
}

export interface BackupCodesTable {
  id: Generated<number>;
  account_id: number;
  /** Keyed hash (HMAC-SHA-256, server key purpose 'backup-code') of the normalised code. */
  code_hash: string;
  created_at: number;
  used_at: number | null;
  used_ip: string | null;
}

export interface AppPasswordsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** Comma-separated subset of smtp,imap,pop3. */
  protocols: string;
  /** Keyed hash (HMAC-SHA-256 with the server key) of the generated secret. */
  secret_hash: string;
  created_at: number;
  created_ip: string;
  last_used_at: number | null;
  last_used_ip: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  time: number;
  account_id: number | null;
  account_address: string | null;
  actor: string;
  ip: string;
  action: string;
  /** JSON object: before/after values where safe, never a secret. */
  details: string;
}

export interface MailboxesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  special_use: string | null;
  uid_validity: number;
  uid_next: Generated<number>;
  highest_modseq: Generated<number>;
  first_recent_uid: Generated<number>;
  created_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  mailbox_id: number;
  account_id: number;
  uid: number;
  modseq: number;
  blob_id: string;
  size: number;
  internal_date: number;
  seen: Generated<number>;
  answered: Generated<number>;
  flagged: Generated<number>;
  deleted: Generated<number>;
  draft: Generated<number>;
  keywords: Generated<string>;
  subject: Generated<string>;
  from_text: Generated<string>;
  to_text: Generated<string>;
  cc_text: Generated<string>;
  message_id: Generated<string>;
  sent_date: number | null;
  structure: Generated<string>;
  auth_results: string | null;
  search_text: Generated<string>;
  created_at: number;
}

export interface MailboxChangesTable {
  id: Generated<number>;
  mailbox_id: number;
  modseq: number;
  uid: number;
  kind: string;
  at: number;
}

export interface OutboundQueueTable {
  id: Generated<number>;
  account_id: number | null;
  mail_from: string;
  recipient: string;
  domain: string;
  blob_id: string;
  size: number;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_until: Generated<number>;
  last_error: string | null;
  dsn: string | null;
  created_at: number;
  expires_at: number;
}

export interface DKIMKeysTable {
  id: Generated<number>;
  domain_id: number;
  selector: string;
  /** 'rsa-sha256' | 'ed25519-sha256' */
  algorithm: string;
  /** The p= value published in DNS (base64). */
  public_key: string;
  /** AES-256-GCM (key: server key, purpose 'dkim-encryption') of the PKCS#8 DER private key; base64 each. */
  private_key_iv: string;
  private_key_tag: string;
  private_key_ciphertext: string;
  active: Generated<number>;
  created_at: number;
  retired_at: number | null;
}

export interface ForwardingTable {
  account_id: number;
  addresses: string;
  keep_copy: number;
  updated_at: number;
}

export interface PasskeysTable {
  id: Generated<number>;
  account_id: number;
  /** The credential id, base64url. */
  credential_id: string;
  /** The COSE public key, base64url; never shown or logged. */
  public_key: string;
  /** The WebAuthn user.id the credential was made for, base64url. */
  user_handle: string;
  /** The signature counter last seen (0 for authenticators that do not count). */
  counter: Generated<number>;
  /** Comma-separated transports (usb, nfc, ble, hybrid, internal …). */
  transports: Generated<string>;
  /** 'singleDevice' | 'multiDevice' */
  device_type: string;
  backed_up: Generated<number>;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export interface AlternateEmailsTable {
  account_id: number;
  /** The verified alternate address: the only one recovery and alerts use. */
  address: string | null;
  verified_at: number | null;
  /** An address being verified (it does not count until then). */
  pending_address: string | null;
  /** Keyed hash (HMAC-SHA-256, server key purpose 'security-token') of the emailed code. */
  pending_code_hash: string | null;
  /** Keyed hash of the emailed link's token. */
  pending_link_hash: string | null;
  pending_expires_at: number | null;
  /** Wrong codes tried against the pending address. */
  pending_attempts: Generated<number>;
  updated_at: number;
}

export interface PasswordResetTokensTable {
  /** Keyed hash (HMAC-SHA-256, server key purpose 'security-token') of the 256-bit token. */
  token_hash: string;
  account_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  requested_ip: Generated<string>;
}

export interface NotificationsTable {
  id: Generated<number>;
  account_id: number;
  /** An AlertKind (security/notices/alert-kinds.ts). */
  kind: string;
  title: string;
  body: string;
  /** JSON object of safe facts (IP, location, device); never a secret. */
  details: Generated<string>;
  created_at: number;
  read_at: number | null;
}

export interface AlertPreferencesTable {
  account_id: number;
  kind: string;
  enabled: number;
  updated_at: number;
}

/** Senders whose remote images the webmail shows without asking (the user chose "Always show"). */
export interface MailboxUidValidityTable {
  account_id: number;
  last_uid_validity: number;
}

export interface MailboxSubscriptionsTable {
  account_id: number;
  name: string;
}

export interface ImageSendersTable {
  account_id: number;
  /** The sender's address, lower-case. */
  sender: string;
  created_at: number;
}

export interface Tables {
  domains: DomainsTable;
  accounts: AccountsTable;
  aliases: AliasesTable;
  policies: PoliciesTable;
  blobs: BlobsTable;
  login_records: LoginRecordsTable;
  app_passwords: AppPasswordsTable;
  audit_log: AuditLogTable;
  mailboxes: MailboxesTable;
  messages: MessagesTable;
  mailbox_changes: MailboxChangesTable;
  outbound_queue: OutboundQueueTable;
  forwarding: ForwardingTable;
  dkim_keys: DKIMKeysTable;
  totp_secrets: TotpSecretsTable;
  backup_codes: BackupCodesTable;
  devices: DevicesTable;
  web_sessions: WebSessionsTable;
  passkeys: PasskeysTable;
  alternate_emails: AlternateEmailsTable;
  password_reset_tokens: PasswordResetTokensTable;
  notifications: NotificationsTable;
  alert_preferences: AlertPreferencesTable;
  image_senders: ImageSendersTable;
  mailbox_subscriptions: MailboxSubscriptionsTable;
  mailbox_uid_validity: MailboxUidValidityTable;
}

export type DomainRow = Selectable<DomainsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type AliasRow = Selectable<AliasesTable>;
export type PolicyRow = Selectable<PoliciesTable>;
export type LoginRecordRow = Selectable<LoginRecordsTable>;
export type NewLoginRecord = Insertable<LoginRecordsTable>;
export type AppPasswordRow = Selectable<AppPasswordsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
export type MailboxRow = Selectable<MailboxesTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
export type MailboxChangeRow = Selectable<MailboxChangesTable>;
export type OutboundRow = Selectable<OutboundQueueTable>;
export type NewOutboundRow = Insertable<OutboundQueueTable>;
export type DKIMKeyRow = Selectable<DKIMKeysTable>;
export type NewDKIMKeyRow = Insertable<DKIMKeysTable>;
export type ForwardingRow = Selectable<ForwardingTable>;
export type TotpSecretRow = Selectable<TotpSecretsTable>;
export type BackupCodeRow = Selectable<BackupCodesTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type WebSessionRow = Selectable<WebSessionsTable>;
export type PasskeyRow = Selectable<PasskeysTable>;
export type NewPasskeyRow = Insertable<PasskeysTable>;
export type AlternateEmailRow = Selectable<AlternateEmailsTable>;
export type PasswordResetTokenRow = Selectable<PasswordResetTokensTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotificationRow = Insertable<NotificationsTable>;
export type AlertPreferenceRow = Selectable<AlertPreferencesTable>;
