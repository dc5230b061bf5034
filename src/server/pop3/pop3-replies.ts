// POP3 -ERR replies with RFC 3206 response codes: one mapping from Mailward's error codes, and the texts ops share.
import type { ErrorCode } from '../../errors/index.js';
import { ERROR_CODES, isMailwardError } from '../../errors/index.js';
import type { POP3ResponseCode } from '../../proto/pop3/pop3-response.js';
import { errLine } from '../../proto/pop3/pop3-response.js';
import type { AuthenticateResult } from '../../security/index.js';

export interface POP3Reply {
  code?: POP3ResponseCode;
  text: string;
}

/**
 * Every Mailward code as a POP3 reply; `satisfies` makes a new code without a reply a type error.
 * RFC 3206: [AUTH] for anything about the credentials or the account's right to sign in,
 * [SYS/TEMP] for failures of ours that may pass, [SYS/PERM] for ones that will not; [IN-USE] for
 * a locked maildrop; [LOGIN-DELAY] (RFC 2449 §8.1.1) for throttling.
 */
export const POP3_REPLIES = {
  AUTH_FAILED: { code: 'AUTH', text: ERROR_CODES.AUTH_FAILED },
  AUTH_THROTTLED: { code: 'LOGIN-DELAY', text: ERROR_CODES.AUTH_THROTTLED },
  ACCOUNT_DISABLED: { code: 'AUTH', text: ERROR_CODES.ACCOUNT_DISABLED },
  SERVICE_CLOSED: { code: 'AUTH', text: 'POP3 is closed for this account.' },
  OTP_REQUIRED: { code: 'AUTH', text: ERROR_CODES.APP_PASSWORD_REQUIRED },
  OTP_FAILED: { code: 'AUTH', text: ERROR_CODES.AUTH_FAILED },
  APP_PASSWORD_REQUIRED: { code: 'AUTH', text: ERROR_CODES.APP_PASSWORD_REQUIRED },
  APP_PASSWORD_SCOPE: { code: 'AUTH', text: 'This app password is not allowed for POP3.' },
  PASSWORD_TOO_SHORT: { text: ERROR_CODES.PASSWORD_TOO_SHORT },
  PASSWORD_TOO_SIMPLE: { text: ERROR_CODES.PASSWORD_TOO_SIMPLE },
  PASSWORD_COMMON: { text: ERROR_CODES.PASSWORD_COMMON },
  PASSWORD_CONTAINS_NAME: { text: ERROR_CODES.PASSWORD_CONTAINS_NAME },
  PASSWORD_MISMATCH: { text: ERROR_CODES.PASSWORD_MISMATCH },
  PASSWORD_WRONG: { code: 'AUTH', text: ERROR_CODES.AUTH_FAILED },
  SECURITY_CODE_REQUIRED: { code: 'AUTH', text: ERROR_CODES.SECURITY_CODE_REQUIRED },
  SECURITY_CODE_WRONG: { code: 'AUTH', text: ERROR_CODES.SECURITY_CODE_WRONG },
  SESSION_TIMED_OUT: { text: 'Session timed out.' },
  SIGN_IN_REQUIRED: { text: 'Please sign in.' },
  INVALID_INPUT: { text: 'Invalid arguments.' },
  INVALID_ADDRESS: { text: ERROR_CODES.INVALID_ADDRESS },
  NOT_FOUND: { text: 'No such message.' },
  EXISTS: { text: ERROR_CODES.EXISTS },
  IN_USE: { code: 'IN-USE', text: 'The maildrop is in use by another POP3 session; try again later.' },
  FORBIDDEN: { code: 'SYS/PERM', text: ERROR_CODES.FORBIDDEN },
  LIMIT: { code: 'SYS/PERM', text: ERROR_CODES.LIMIT },
  QUOTA_EXCEEDED: { code: 'SYS/PERM', text: ERROR_CODES.QUOTA_EXCEEDED },
  TOO_BIG: { code: 'SYS/PERM', text: ERROR_CODES.TOO_BIG },
  CONFIG_INVALID: { code: 'SYS/TEMP', text: 'Server configuration error.' },
  STORAGE_UNAVAILABLE: { code: 'SYS/TEMP', text: 'Storage is not available; try again later.' },
  INTERNAL: { code: 'SYS/TEMP', text: 'Internal error; try again later.' },
} satisfies Record<ErrorCode, POP3Reply>;

/** Server-side failures: their messages carry paths, OS and database text, which stay in the log. */
const SERVER_SIDE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INTERNAL', 'STORAGE_UNAVAILABLE', 'CONFIG_INVALID']);

/** The -ERR line for a failed authenticate(); unknown user and wrong password get the same one. */
export function authFailureLine(result: Extract<AuthenticateResult, { ok: false }>): string {
  const reply = POP3_REPLIES[result.code];
  const text = result.code === 'AUTH_THROTTLED' && result.retryAfterSeconds ? `${reply.text.replace(/\.$/, '')} (in ${result.retryAfterSeconds} s).` : reply.text;
  return errLine(text, { code: reply.code });
}

/** The -ERR line for an error an op met: ours by the table, anything else an internal error with a reference. */
export function errorLine(error: unknown, options: { correlationId: string }): string {
  const ref = (reply: POP3Reply): string => errLine(`${reply.text} (ref ${options.correlationId})`, reply.code ? { code: reply.code } : {});
  if (isMailwardError(error)) {
    const reply: POP3Reply = POP3_REPLIES[error.code];
    if (SERVER_SIDE.has(error.code)) return ref(reply);
    return errLine(error.message || reply.text, reply.code ? { code: reply.code } : {});
  }
  return ref(POP3_REPLIES.INTERNAL);
}
