// Structured JSON logs (pino) that never carry a password, code or token, whatever a caller passes.
// (`code` alone is not redacted: it names error codes such as AUTH_FAILED; secret codes use specific names.)
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Field names whose values are secrets wherever they appear (two levels deep). */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'secret',
  'token',
  'otp',
  'otpCode',
  'verificationCode',
  'securityCode',
  'backupCode',
  'appPassword',
  'authorization',
  'cookie',
  'passwordHash',
  'password_hash',
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout by default. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
