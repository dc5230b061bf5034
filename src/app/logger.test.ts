// The logger redacts secrets by field name, at the top level and nested, and leaves error codes readable.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A logger writing into memory; `entries()` parses what it wrote, line by line. */
function memoryLogger(level = 'info'): { logger: ReturnType<typeof createLogger>; text: () => string; entries: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level, destination });
  const text = (): string => chunks.join('');
  const entries = (): Array<Record<string, unknown>> =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text, entries };
}

const SECRET_FIELDS = ['password', 'secret', 'token', 'newPassword', 'securityCode', 'otpCode', 'cookie'] as const;

describe('createLogger', () => {
  it.each(SECRET_FIELDS)('redacts %s at the top level, one level down and two levels down', (field) => {
    const { logger, text, entries } = memoryLogger();
    const value = `leak-${field}-7d1c`;
    logger.info({ [field]: value, user: { [field]: value }, request: { body: { [field]: value } } }, 'event');
    const [entry] = entries();
    expect(entry).toMatchObject({
      [field]: '[redacted]',
      user: { [field]: '[redacted]' },
      request: { body: { [field]: '[redacted]' } },
      msg: 'event',
    });
    expect(text()).not.toContain(value);
  });

  it('redacts inside arrays and in child logger bindings', () => {
    const { logger, text, entries } = memoryLogger();
    logger.child({ session: { token: 'child-token-11' } }).info({ attempts: [{ password: 'array-password-22' }] }, 'batch');
    expect(entries()[0]).toMatchObject({ session: { token: '[redacted]' }, attempts: [{ password: '[redacted]' }] });
    expect(text()).not.toMatch(/child-token-11|array-password-22/);
  });

  it('keeps error codes and ordinary fields readable', () => {
    const { logger, entries } = memoryLogger();
    logger.warn({ code: 'AUTH_FAILED', account: 'alice@example.org', protocol: 'imap', password: 'hunter2-x' }, 'login failed');
    expect(entries()[0]).toMatchObject({
      level: 40,
      code: 'AUTH_FAILED',
      account: 'alice@example.org',
      protocol: 'imap',
      password: '[redacted]',
      msg: 'login failed',
    });
  });

  it('redacts secret fields an error object carries, and keeps its code', () => {
    const { logger, text, entries } = memoryLogger();
    const error = Object.assign(new Error('sign-in refused'), { code: 'AUTH_FAILED', secret: 'err-secret-33' });
    logger.error({ err: error }, 'sign-in refused');
    expect(entries()[0]).toMatchObject({ err: { message: 'sign-in refused', code: 'AUTH_FAILED', secret: '[redacted]' } });
    expect(text()).not.toContain('err-secret-33');
  });

  it('writes nothing below its level', () => {
    const { logger, text } = memoryLogger('error');
    logger.info({ token: 'x' }, 'quiet');
    logger.warn('quiet too');
    expect(text()).toBe('');
  });
});
