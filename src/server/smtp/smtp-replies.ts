// SMTP replies with RFC 3463 enhanced status codes: one mapping from Mailward's error codes, and replies we choose exactly.
import type { ErrorCode } from '../../errors/index.js';
import { isMailwardError } from '../../errors/index.js';

export interface SMTPReply {
  code: number;
  enhanced: string;
  text: string;
}

/** Every Mailward code as an SMTP reply; `satisfies` makes a new code without a reply a type error. */
export const SMTP_REPLIES = {
  AUTH_FAILED: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  AUTH_THROTTLED: { code: 454, enhanced: '4.7.0', text: 'Too many failed attempts, try again later' },
  ACCOUNT_DISABLED: { code: 525, enhanced: '5.7.13', text: 'Your account is disabled' },
  SERVICE_CLOSED: { code: 535, enhanced: '5.7.8', text: 'SMTP is closed for this account' },
  OTP_REQUIRED: { code: 534, enhanced: '5.7.9', text: 'Use an app password to sign in from a mail client' },
  OTP_FAILED: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  APP_PASSWORD_REQUIRED: { code: 534, enhanced: '5.7.9', text: 'Use an app password to sign in from a mail client' },
  APP_PASSWORD_SCOPE: { code: 535, enhanced: '5.7.8', text: 'This app password is not allowed for SMTP' },
  PASSWORD_TOO_SHORT: { code: 501, enhanced: '5.5.4', text: 'The password is too short' },
  PASSWORD_TOO_SIMPLE: { code: 501, enhanced: '5.5.4', text: 'The password needs more kinds of characters' },
  PASSWORD_COMMON: { code: 501, enhanced: '5.5.4', text: 'The password is too common' },
  PASSWORD_CONTAINS_NAME: { code: 501, enhanced: '5.5.4', text: 'The password must not contain the account name' },
  PASSWORD_MISMATCH: { code: 501, enhanced: '5.5.4', text: 'The passwords do not match' },
  PASSWORD_WRONG: { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' },
  SECURITY_CODE_REQUIRED: { code: 530, enhanced: '5.7.0', text: 'The personal security code is required' },
  SECURITY_CODE_WRONG: { code: 535, enhanced: '5.7.8', text: 'The personal security code is not correct' },
  SESSION_TIMED_OUT: { code: 421, enhanced: '4.4.2', text: 'Session timed out' },
  SIGN_IN_REQUIRED: { code: 530, enhanced: '5.7.0', text: 'Authentication required' },
  INVALID_INPUT: { code: 501, enhanced: '5.5.4', text: 'Syntax error in parameters' },
  INVALID_ADDRESS: { code: 553, enhanced: '5.1.3', text: 'Bad address syntax' },
  NOT_FOUND: { code: 550, enhanced: '5.1.1', text: 'No such user here' },
  EXISTS: { code: 550, enhanced: '5.0.0', text: 'Already exists' },
  IN_USE: { code: 450, enhanced: '4.2.1', text: 'Mailbox busy' },
  FORBIDDEN: { code: 550, enhanced: '5.7.1', text: 'Delivery not authorized' },
  LIMIT: { code: 550, enhanced: '5.7.1', text: 'Sending limit exceeded' },
  QUOTA_EXCEEDED: { code: 552, enhanced: '5.2.2', text: 'Mailbox full' },
  TOO_BIG: { code: 552, enhanced: '5.3.4', text: 'Message too big for system' },
  CONFIG_INVALID: { code: 451, enhanced: '4.3.5', text: 'Server configuration error' },
  STORAGE_UNAVAILABLE: { code: 451, enhanced: '4.3.0', text: 'Local storage error, try again later' },
  INTERNAL: { code: 451, enhanced: '4.3.0', text: 'Local error in processing, try again later' },
} satisfies Record<ErrorCode, SMTPReply>;

/** An Error that smtp-server sends as "<code> <enhanced> <text>". */
export function smtpError(reply: SMTPReply): Error & { responseCode: number } {
  const text = reply.text.replace(/[\r\n]+/g, ' ');
  return Object.assign(new Error(`${reply.enhanced} ${text}`), { responseCode: reply.code });
}

/**
 * Failures of the server itself: their messages carry file paths, OS errors and database text
 * (e.g. "blobs: write failed: ENOENT … rename '/var/lib/mailward/blobs/tmp/…'"), which belong in
 * the log, never in a reply to a client.
 */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INTERNAL', 'STORAGE_UNAVAILABLE', 'CONFIG_INVALID']);

/** The reply for any error a handler met: our codes by the table, anything else a temporary local error. */
export function replyFor(error: unknown, options: { correlationId?: string } = {}): Error & { responseCode: number } {
  // Server-side failures show only a reference the admin finds in the log (docs/architecture.md "Errors").
  const ref = (reply: SMTPReply): SMTPReply => (options.correlationId ? { ...reply, text: `${reply.text} (ref ${options.correlationId})` } : reply);
  if (isMailwardError(error)) {
    const smtp = (error.details as { smtp?: SMTPReply } | undefined)?.smtp;
    if (smtp) return smtpError(smtp);
    const base = SMTP_REPLIES[error.code];
    if (SERVER_SIDE.has(error.code)) return smtpError(ref(base));
    // Our other messages are written for people and safe to show; the table's text is the fallback.
    return smtpError({ ...base, text: error.message || base.text });
  }
  return smtpError(ref(SMTP_REPLIES.INTERNAL));
}
