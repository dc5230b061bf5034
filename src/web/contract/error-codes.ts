// The one closed set of error codes the server answers with and their English texts: the server's messages and the webmail's English words for them (docs/errors.md).

/** Every code Mailward can answer with; docs/errors.md explains each for users and admins. */
export const ERROR_CODES = {
  /** Wrong username or password; deliberately the same for an unknown account. */
  AUTH_FAILED: 'Verification failure. Please check the username and password you entered.',
  /** Too many failed attempts from this client; retry after the given time. */
  AUTH_THROTTLED: 'Too many failed attempts. Please try again later.',
  /** The account was disabled by an administrator or by a volume limit. */
  ACCOUNT_DISABLED: 'Your account is disabled.',
  /** The user closed this mail service (SMTP, POP3 or IMAP4) for the account. */
  SERVICE_CLOSED: 'This mail service is closed for the account.',
  /** A second factor is needed to finish signing in. */
  OTP_REQUIRED: 'A verification code is required.',
  /** The second factor was wrong or already used. */
  OTP_FAILED: 'The verification code is not valid.',
  /** Mail clients must sign in with an app password for this account. */
  APP_PASSWORD_REQUIRED: 'Use an app password to sign in from a mail client.',
  /** This app password is not allowed for the protocol it was used on. */
  APP_PASSWORD_SCOPE: 'This app password is not allowed for this service.',
  /** The new password is shorter than the administrator's strength level allows. */
  PASSWORD_TOO_SHORT: 'The password is too short.',
  /** The new password mixes too few character classes. */
  PASSWORD_TOO_SIMPLE: 'The password needs more kinds of characters.',
  /** The new password is one of the most common passwords. */
  PASSWORD_COMMON: 'The password is too common.',
  /** The new password contains the account name. */
  PASSWORD_CONTAINS_NAME: 'The password must not contain the account name.',
  /** The new password and its confirmation differ. */
  PASSWORD_MISMATCH: 'The passwords do not match.',
  /** The current password given with a change was wrong. */
  PASSWORD_WRONG: 'The current password is not correct.',
  /** The personal security code is needed for this change. */
  SECURITY_CODE_REQUIRED: 'The personal security code is required.',
  /** The personal security code was wrong. */
  SECURITY_CODE_WRONG: 'The personal security code is not correct.',
  /** The session was idle too long or reached its maximum lifetime. */
  SESSION_TIMED_OUT: 'Operation timed out. Please sign in again.',
  /** The request needs a signed-in web session and has none (never had one, signed out, or forced out). */
  SIGN_IN_REQUIRED: 'Please sign in.',
  /** A request or argument is malformed. */
  INVALID_INPUT: 'The input is not valid.',
  /** An email address or domain name is malformed. */
  INVALID_ADDRESS: 'The address is not valid.',
  /** The named thing does not exist. */
  NOT_FOUND: 'Not found.',
  /** The thing already exists. */
  EXISTS: 'Already exists.',
  /** The thing is still used by others (e.g. a domain with accounts) and cannot be removed. */
  IN_USE: 'Still in use.',
  /** The operation is refused for this caller. */
  FORBIDDEN: 'Not allowed.',
  /** A limit (volume, size, count) was reached. */
  LIMIT: 'A limit was reached.',
  /** The account's storage quota would be exceeded. */
  QUOTA_EXCEEDED: 'The mailbox is full.',
  /** The input is larger than allowed. */
  TOO_BIG: 'Too big.',
  /** The configuration file or environment is invalid. */
  CONFIG_INVALID: 'The configuration is not valid.',
  /** The database or data directory cannot be used. */
  STORAGE_UNAVAILABLE: 'The storage is not available.',
  /** An unexpected failure; details are only in the server log under the correlation id. */
  INTERNAL: 'Internal error.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True for a code of the set (an answer's `code` as the browser reads it from JSON). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
