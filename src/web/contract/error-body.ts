// The body of every error answer: `{ status, code, message }` with a code of the one closed set (docs/errors.md).
import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';
import type { ErrorCode } from './error-codes.js';

export const errorBody = z.strictObject({
  status: z.number(),
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  /** Safe details (retryAfterSeconds, field, hint). */
  details: z.record(z.string(), z.unknown()).optional(),
  /** For INTERNAL: the id the administrator finds in the log. */
  correlationId: z.string().optional(),
});

export type ErrorBody = z.output<typeof errorBody>;
