// /api/v1/security: the Mailbox Security centre (device log, login records, password, security code, services, two-factor sign-in, backup codes, app passwords).
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { idParams, nextCursor, otp, password, protocol } from './fields.js';
import { MAX_HINT } from './limits.js';

/** What the device log shows of a device: never its key hash. */
export const device = z.strictObject({
  id: z.string(),
  kind: z.enum(['browser', 'mail_client']),
  protocol: z.string(),
  /** Operating system of a browser ("Windows 11"), '' for mail clients. */
  os: z.string(),
  /** Browser ("Chrome 131") or mail client name. */
  client: z.string(),
  status: z.enum(['current', 'signed_in', 'logged_out']),
  trusted: z.boolean(),
  /** When trust ends, for trusted devices. */
  trustedUntil: z.number().nullable(),
  firstLoginAt: z.number(),
  lastLoginAt: z.number(),
  lastIp: z.string(),
  lastLocation: z.string(),
});

export const loginRecord = z.strictObject({
  id: z.number(),
  time: z.number(),
  protocol: z.string(),
  ip: z.string(),
  client: z.string(),
  result: z.string(),
  reason: z.string(),
  credential: z.string().nullable(),
  /** "City, Region, Country", "Local network" or "Unknown", resolved when the record was written. */
  location: z.string(),
});

export const passwordSettings = z.strictObject({
  strength: z.strictObject({ level: z.enum(['none', 'medium', 'strong', 'very_strong']), minLength: z.number(), classes: z.number() }),
  securityCodeEnabled: z.boolean(),
  hasSecurityCode: z.boolean(),
  securityCodeRequired: z.boolean(),
  hintsEnabled: z.boolean(),
  /** The hint where the administrator enables hints ('' otherwise). */
  hint: z.string(),
  passwordChangedAt: z.number().nullable(),
});

export const mailServices = z.strictObject({ smtp: z.boolean(), pop3: z.boolean(), imap: z.boolean() });

export const twoFactorStatus = z.strictObject({
  enabled: z.boolean(),
  enabledAt: z.number().nullable(),
  /** An enrolment was started and not yet confirmed (nor expired). */
  pending: z.boolean(),
  backupCodes: z.strictObject({ total: z.number(), remaining: z.number(), createdAt: z.number().nullable(), remind: z.boolean() }),
  requirement: z.strictObject({ required: z.boolean(), graceEndsAt: z.number().nullable(), graceLoginsLeft: z.number().nullable(), mustEnroll: z.boolean() }),
});

export const enrolment = z.strictObject({
  /** otpauth://totp/Issuer:address?secret=…&issuer=… */
  uri: z.string(),
  /** The same URI as a QR code (an SVG document). */
  qrSVG: z.string(),
  /** The secret for typing by hand: base32 in groups of four. */
  secret: z.string(),
  issuer: z.string(),
  label: z.string(),
  expiresAt: z.number(),
});

/** Shown once: only keyed hashes are kept. */
export const backupCodeSet = z.strictObject({ codes: z.array(z.string()), text: z.string(), createdAt: z.number() });

/** A mail client that signed in with the account password recently: it will need an app password. */
export const mailClient = z.strictObject({
  protocol,
  client: z.string(),
  lastIp: z.string(),
  lastLocation: z.string(),
  lastSeenAt: z.number(),
  logins: z.number(),
  suggestedName: z.string(),
});

export const appPassword = z.strictObject({
  id: z.number(),
  name: z.string(),
  protocols: z.array(protocol),
  createdAt: z.number(),
  createdIp: z.string(),
  lastUsedAt: z.number().nullable(),
  lastUsedIp: z.string().nullable(),
});

/** A new app password: its secret is in this answer only. */
export const createdAppPassword = z.strictObject({ appPassword, secret: z.string() });

const deviceParams = z.object({ id: z.string().uuid() }).strict();
const csrfToken = z.strictObject({ csrfToken: z.string() });
const tag = 'security';

export const SECURITY_API = {
  devices: endpoint('GET /api/v1/security/devices', {
    summary: 'Device log: frequently used (trusted) devices and other devices, with status, OS, first and last login, location',
    tag,
    response: z.strictObject({ trusted: z.array(device), other: z.array(device) }),
  }),
  forceLogout: endpoint('POST /api/v1/security/devices/:id/logout', {
    summary: 'Force logout: every session of the device ends now, live mail connections within a second',
    tag,
    params: deviceParams,
    response: z.strictObject({ webSessionsEnded: z.number(), connectionsEnded: z.number() }),
  }),
  removeTrust: endpoint('DELETE /api/v1/security/devices/:id/trust', {
    summary: 'Remove device from the trusted list: its next sign-in asks for the second factor',
    tag,
    params: deviceParams,
    response: 'no-content',
  }),
  loginRecords: endpoint('GET /api/v1/security/login-records', {
    summary: 'Login records, newest first: all, successful or failed',
    tag,
    query: z
      .object({
        result: z.enum(['all', 'success', 'failure']).default('all'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().max(200).optional(),
      })
      .strict(),
    response: z.strictObject({ records: z.array(loginRecord), nextCursor }),
  }),
  changePassword: endpoint('PUT /api/v1/security/password', {
    summary: 'Change the password (current, new, confirm; the personal security code when the admin requires it)',
    tag,
    body: z.object({ current: password, next: password, confirm: password, securityCode: z.string().max(64).optional() }).strict(),
    // The session goes on under a new id, with a new token.
    response: csrfToken,
  }),
  passwordSettings: endpoint('GET /api/v1/security/password-settings', {
    summary: "The rules in force for this account's password (the admin's strength level), whether the personal security code is asked, and the hint",
    tag,
    response: passwordSettings,
  }),
  passwordHint: endpoint('PUT /api/v1/security/password-hint', {
    summary: 'Set the password hint (shown after a failed sign-in where the admin allows hints)',
    tag,
    body: z.object({ hint: z.string().max(MAX_HINT) }).strict(),
    response: 'no-content',
  }),
  securityCode: endpoint('PUT /api/v1/security/security-code', {
    summary: 'Set or change the personal security code (needs the password)',
    tag,
    body: z.object({ password, code: z.string().min(1).max(64) }).strict(),
    response: 'no-content',
  }),
  services: endpoint('GET /api/v1/security/services', {
    summary: 'Mail services: SMTP, POP3 and IMAP4, each open or closed',
    tag,
    response: mailServices,
  }),
  setServices: endpoint('PUT /api/v1/security/services', {
    summary: 'Open or close SMTP, POP3 and IMAP4; closing one ends its live connections',
    tag,
    body: z.object({ smtp: z.boolean().optional(), pop3: z.boolean().optional(), imap: z.boolean().optional() }).strict(),
    response: mailServices,
  }),
  twoFactor: endpoint('GET /api/v1/security/two-factor', {
    summary: 'Whether two-factor sign-in is on, backup codes left (and the reminder banner), and what the admin requires',
    tag,
    response: twoFactorStatus,
  }),
  beginTOTP: endpoint('POST /api/v1/security/two-factor/totp', {
    summary: 'Start TOTP enrolment (needs the password): otpauth URI, QR code (SVG) and the key as text',
    tag,
    body: z.object({ password }).strict(),
    response: enrolment,
  }),
  confirmTOTP: endpoint('POST /api/v1/security/two-factor/totp/confirm', {
    summary: 'Confirm enrolment with one code: two-factor sign-in is on; backup codes (shown once) and the mail clients that will need app passwords',
    tag,
    body: z.object({ code: otp }).strict(),
    response: z.strictObject({ backupCodes: backupCodeSet, mailClients: z.array(mailClient), csrfToken: z.string() }),
  }),
  disableTwoFactor: endpoint('POST /api/v1/security/two-factor/disable', {
    summary: 'Turn two-factor sign-in off (needs the password and a second factor); clears every trusted device',
    tag,
    body: z.object({ password, code: otp }).strict(),
    response: 'no-content',
  }),
  backupCodes: endpoint('POST /api/v1/security/backup-codes', {
    summary: 'A new set of backup codes (needs the password); the old set stops working',
    tag,
    body: z.object({ password }).strict(),
    response: backupCodeSet,
  }),
  mailClients: endpoint('GET /api/v1/security/mail-clients', {
    summary: 'Mail clients that signed in with the password in the last 30 days (each will need an app password with two-factor sign-in on)',
    tag,
    response: z.strictObject({ clients: z.array(mailClient) }),
  }),
  clientAppPassword: endpoint('POST /api/v1/security/mail-clients/app-passwords', {
    summary: 'Create the app password offered for a listed mail client, scoped to the protocol it used; its secret is shown once',
    tag,
    body: z.object({ protocol, client: z.string().max(200), name: z.string().min(1).max(100).optional() }).strict(),
    response: createdAppPassword,
  }),
  appPasswords: endpoint('GET /api/v1/security/app-passwords', {
    summary: 'App passwords for mail clients (never their secrets)',
    tag,
    response: z.strictObject({ appPasswords: z.array(appPassword) }),
  }),
  createAppPassword: endpoint('POST /api/v1/security/app-passwords', {
    summary: 'Create an app password for some of SMTP, IMAP and POP3; its secret is shown once',
    tag,
    body: z.object({ name: z.string().min(1).max(100), protocols: z.array(protocol).min(1) }).strict(),
    response: createdAppPassword,
  }),
  revokeAppPassword: endpoint('DELETE /api/v1/security/app-passwords/:id', {
    summary: 'Revoke an app password; clients using it are signed out within a second',
    tag,
    params: idParams,
    response: 'no-content',
  }),
};
