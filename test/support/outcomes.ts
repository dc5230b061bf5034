// How tests read the end of a promise: 'OK' when it resolved, else the error code it was refused with.
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors/index.js';
import { isMailwardError } from '../../src/errors/index.js';

/** 'OK' when the promise resolves, else the error it rejects with. */
export function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'OK',
    (error: unknown) => error,
  );
}

/** 'OK', the code of the MailwardError the promise rejects with, or any other error as it is. */
export async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  const error = await settled(promise);
  return isMailwardError(error) ? error.code : error;
}

/** Awaits `promise`, expects it to reject with a MailwardError of `code` (and a message matching `message`), and returns that error. */
export async function expectCode(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<Error & { code: ErrorCode; details?: Record<string, unknown> }> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected ${code}, but it succeeded`);
  const { error } = outcome;
  expect(isMailwardError(error) ? error.code : error).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  return error as Error & { code: ErrorCode; details?: Record<string, unknown> };
}
