// The error class every layer throws, with a code from the one closed set (docs/architecture.md "Errors").
import { ERROR_CODES } from '../web/contract/error-codes.js';
import type { ErrorCode } from '../web/contract/error-codes.js';

// The set belongs to the API contract, which the browser shares; every server layer reaches it here.
export { ERROR_CODES } from '../web/contract/error-codes.js';
export type { ErrorCode } from '../web/contract/error-codes.js';

export interface MailwardErrorOptions {
  /** A safe, human-readable message; defaults to the code's standard text. Never a secret. */
  message?: string;
  /** The underlying error, for the log only. */
  cause?: unknown;
  /** Safe structured details for clients (e.g. `retryAfterSeconds`). */
  details?: Record<string, unknown>;
}

/** An error with an explicit, closed code; never derive a code from message text. */
export class MailwardError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: MailwardErrorOptions = {}) {
    super(options.message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailwardError';
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is a MailwardError, optionally with the given code. */
export function isMailwardError(error: unknown, code?: ErrorCode): error is MailwardError {
  return error instanceof MailwardError && (code === undefined || error.code === code);
}
