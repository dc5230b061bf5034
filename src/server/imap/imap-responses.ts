// IMAP tagged responses for Mailward's error codes (RFC 5530 response codes): the one mapping of this door.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../errors/index.js';
import { isMailwardError } from '../../errors/index.js';
import { IMAPRefusal } from '../../proto/imap/imap-refusal.js';
import type { TaggedStatus } from '../../proto/imap/imap-response.js';
import { tagged } from '../../proto/imap/imap-response.js';
import type { IMAPCommand } from '../../proto/imap/imap-value.js';
import { IMAPSyntaxError } from '../../proto/imap/imap-syntax-error.js';

export interface IMAPErrorResponse {
  status: Exclude<TaggedStatus, 'OK'>;
  /** RFC 5530 (or RFC 9208, RFC 7889) response code. */
  code: string;
  text: string;
}

/** Every Mailward code as an IMAP response; `satisfies` makes a new code without one a type error. */
export const IMAP_RESPONSES = {
  AUTH_FAILED: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' },
  AUTH_THROTTLED: { status: 'NO', code: 'UNAVAILABLE', text: 'Too many failed attempts, try again later' },
  ACCOUNT_DISABLED: { status: 'NO', code: 'CONTACTADMIN', text: 'Your account is disabled' },
  SERVICE_CLOSED: { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'IMAP is closed for this account' },
  OTP_REQUIRED: { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'Use an app password to sign in from a mail client' },
  OTP_FAILED: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' },
  APP_PASSWORD_REQUIRED: { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'Use an app password to sign in from a mail client' },
  APP_PASSWORD_SCOPE: { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'This app password is not allowed for IMAP' },
  PASSWORD_TOO_SHORT: { status: 'NO', code: 'CANNOT', text: 'The password is too short' },
  PASSWORD_TOO_SIMPLE: { status: 'NO', code: 'CANNOT', text: 'The password needs more kinds of characters' },
  PASSWORD_COMMON: { status: 'NO', code: 'CANNOT', text: 'The password is too common' },
  PASSWORD_CONTAINS_NAME: { status: 'NO', code: 'CANNOT', text: 'The password must not contain the account name' },
  PASSWORD_MISMATCH: { status: 'NO', code: 'CANNOT', text: 'The passwords do not match' },
  PASSWORD_WRONG: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Authentication failed' },
  SECURITY_CODE_REQUIRED: { status: 'NO', code: 'NOPERM', text: 'The personal security code is required' },
  SECURITY_CODE_WRONG: { status: 'NO', code: 'NOPERM', text: 'The personal security code is not correct' },
  SESSION_TIMED_OUT: { status: 'NO', code: 'EXPIRED', text: 'Session timed out' },
  SIGN_IN_REQUIRED: { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Please sign in' },
  INVALID_INPUT: { status: 'NO', code: 'CANNOT', text: 'Invalid argument' },
  INVALID_ADDRESS: { status: 'NO', code: 'CANNOT', text: 'Invalid address' },
  NOT_FOUND: { status: 'NO', code: 'NONEXISTENT', text: 'Mailbox does not exist' },
  EXISTS: { status: 'NO', code: 'ALREADYEXISTS', text: 'Mailbox already exists' },
  IN_USE: { status: 'NO', code: 'INUSE', text: 'Mailbox in use' },
  FORBIDDEN: { status: 'NO', code: 'NOPERM', text: 'Not allowed' },
  LIMIT: { status: 'NO', code: 'LIMIT', text: 'A limit was reached' },
  QUOTA_EXCEEDED: { status: 'NO', code: 'OVERQUOTA', text: 'Mailbox is full' },
  TOO_BIG: { status: 'NO', code: 'TOOBIG', text: 'Too big' },
  CONFIG_INVALID: { status: 'NO', code: 'UNAVAILABLE', text: 'Server configuration error' },
  STORAGE_UNAVAILABLE: { status: 'NO', code: 'UNAVAILABLE', text: 'Storage unavailable, try again later' },
  INTERNAL: { status: 'NO', code: 'SERVERBUG', text: 'Internal error' },
} satisfies Record<ErrorCode, IMAPErrorResponse>;

/** Failures of the server itself: their messages are for the log, never for the client. */
export const SERVER_SIDE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INTERNAL', 'STORAGE_UNAVAILABLE', 'CONFIG_INVALID']);

/**
 * The tagged answer to a command that threw: BAD for bad syntax, NO with its code for a refusal or
 * a Mailward error the client may see; anything else is logged with a reference and answered
 * NO [SERVERBUG] (or the code of its kind) without its message.
 */
export function failureResponse(command: IMAPCommand, error: unknown, options: { utf8Accept: boolean; logger: Logger; connection: string }): Buffer {
  if (error instanceof IMAPSyntaxError) return tagged(command.tag, 'BAD', error.message);
  if (error instanceof IMAPRefusal) return tagged(command.tag, 'NO', error.message, { code: { name: error.code } });
  if (isMailwardError(error) && !SERVER_SIDE_CODES.has(error.code)) {
    const mapped = IMAP_RESPONSES[error.code];
    return tagged(command.tag, mapped.status, error.message || mapped.text, { code: { name: mapped.code }, utf8Accept: options.utf8Accept });
  }
  const ref = randomUUID().slice(0, 8);
  options.logger.error({ err: error, connection: options.connection, command: command.name, ref }, 'imap command failed');
  const mapped = isMailwardError(error) ? IMAP_RESPONSES[error.code] : IMAP_RESPONSES.INTERNAL;
  return tagged(command.tag, 'NO', `${mapped.text} (ref ${ref})`, { code: { name: mapped.code } });
}
