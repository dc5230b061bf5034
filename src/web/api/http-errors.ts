// The HTTP door's one mapping of error codes to statuses, and the `{ status, code, message }` body every error answer has.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, isMailwardError } from '../../errors/index.js';
import type { ErrorCode } from '../../errors/index.js';

export const HTTP_STATUS = {
  AUTH_FAILED: 401,
  AUTH_THROTTLED: 429,
  ACCOUNT_DISABLED: 403,
  SERVICE_CLOSED: 403,
  OTP_REQUIRED: 401,
  OTP_FAILED: 401,
  APP_PASSWORD_REQUIRED: 403,
  APP_PASSWORD_SCOPE: 403,
  PASSWORD_TOO_SHORT: 422,
  PASSWORD_TOO_SIMPLE: 422,
  PASSWORD_COMMON: 422,
  PASSWORD_CONTAINS_NAME: 422,
  PASSWORD_MISMATCH: 422,
  PASSWORD_WRONG: 403,
  SECURITY_CODE_REQUIRED: 403,
  SECURITY_CODE_WRONG: 403,
  SESSION_TIMED_OUT: 401,
  SIGN_IN_REQUIRED: 401,
  INVALID_INPUT: 400,
  INVALID_ADDRESS: 400,
  NOT_FOUND: 404,
  EXISTS: 409,
  IN_USE: 409,
  FORBIDDEN: 403,
  LIMIT: 429,
  QUOTA_EXCEEDED: 507,
  TOO_BIG: 413,
  CONFIG_INVALID: 500,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
} satisfies Record<ErrorCode, number>;

export interface ErrorBody {
  status: number;
  code: ErrorCode;
  message: string;
  /** Safe details (retryAfterSeconds, field). */
  details?: Record<string, unknown>;
  /** For INTERNAL: the id the administrator finds in the log. */
  correlationId?: string;
}

export function sendError(reply: FastifyReply, code: ErrorCode, options: { message?: string; details?: Record<string, unknown> } = {}): FastifyReply {
  const status = HTTP_STATUS[code];
  const body: ErrorBody = { status, code, message: options.message ?? ERROR_CODES[code], ...(options.details ? { details: options.details } : {}) };
  const retry = options.details?.['retryAfterSeconds'];
  if (typeof retry === 'number') void reply.header('retry-after', String(retry));
  return reply.code(status).send(body);
}

/**
 * Fastify's error handler: a MailwardError answers with its code; a body Fastify could not parse
 * is INVALID_INPUT; anything else is INTERNAL with a correlation id, its details only in the log
 * (never a stack trace or a database message to the client).
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isMailwardError(error)) {
    if (error.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    return sendError(reply, error.code, { message: error.message, ...(error.details ? { details: error.details } : {}) });
  }
  const statusCode = (error as { statusCode?: number }).statusCode;
  if (statusCode === 413) return sendError(reply, 'TOO_BIG');
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return sendError(reply, 'INVALID_INPUT', { message: `The request is not valid: ${(error as Error).message.split('\n')[0]?.slice(0, 200) ?? ''}` });
  }
  const correlationId = randomUUID();
  request.log.error({ err: error, correlationId }, 'request failed');
  const body: ErrorBody = { status: 500, code: 'INTERNAL', message: `${ERROR_CODES.INTERNAL} Reference: ${correlationId}`, correlationId };
  return reply.code(500).send(body);
}
