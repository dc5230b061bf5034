// TOTP (RFC 6238) as every authenticator app speaks it, plus sealing of secrets at rest (AES-256-GCM with the server key).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { MailwardError } from '../../errors/index.js';
import type { ServerKey } from '../../kernel/server-key.js';

/**
 * SHA-1, 6 digits, 30 seconds: the only parameters Google Authenticator, Microsoft Authenticator
 * and Authy honour in practice (they ignore `algorithm=`/`digits=` in the URI, or some of them do),
 * so anything else would make codes that silently never match.
 */
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of now (RFC 6238 §5.2: one step covers clock drift and typing time). */
export const TOTP_WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 block the RFC 4226 §4 recommends (and what the apps expect). */
export const TOTP_SECRET_BYTES = 20;

/** The RFC 6238 time step a unix time (ms) falls in. */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

function totpOf(secret: Uint8Array, digits: number): TOTP {
  return new TOTP({ secret: new Secret({ buffer: Uint8Array.from(secret).buffer }), algorithm: TOTP_ALGORITHM, digits, period: TOTP_PERIOD_SECONDS });
}

export function generateTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

/** The code for a time (ms); `digits` other than 6 only for the RFC test vectors. */
export function totpCode(options: { secret: Uint8Array; now: number; digits?: number }): string {
  return totpOf(options.secret, options.digits ?? TOTP_DIGITS).generate({ timestamp: options.now });
}

/** Codes are typed with spaces ("123 456") by some people and pasted with them by some apps. */
export function normalizeTotpCode(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/**
 * The time step the code belongs to, when it matches one within ±TOTP_WINDOW of now; undefined
 * otherwise. The caller refuses steps already used (replay), see TwoFactor.
 */
export function matchTotp(options: { secret: Uint8Array; code: string; now: number; digits?: number }): number | undefined {
  const digits = options.digits ?? TOTP_DIGITS;
  const code = normalizeTotpCode(options.code);
  if (code.length !== digits || !/^\d+$/.test(code)) return undefined;
  // otpauth compares in constant time and returns the step offset of the match.
  const delta = totpOf(options.secret, digits).validate({ token: code, timestamp: options.now, window: TOTP_WINDOW });
  return delta === null ? undefined : totpStep(options.now) + delta;
}

/** Base32 (RFC 4648, no padding), as authenticator apps expect in the URI and for manual entry. */
export function base32Secret(secret: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(secret).buffer }).base32;
}

/** The base32 secret in groups of four, for typing it into an app by hand. */
export function groupedSecret(secret: Uint8Array): string {
  return base32Secret(secret).match(/.{1,4}/g)!.join(' ');
}

/** The Key Uri Format of Google Authenticator (otpauth://totp/Issuer:label?secret=…&issuer=…), which every other app reads too. */
export function otpauthURI(options: { secret: Uint8Array; issuer: string; label: string }): string {
  return new TOTP({
    issuer: options.issuer,
    label: options.label,
    secret: new Secret({ buffer: Uint8Array.from(options.secret).buffer }),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The QR code of an otpauth:// URI as an SVG document (scaled by the page; no external resources). */
export async function qrCodeSVG(uri: string): Promise<string> {
  // Loaded on first use: only enrolment draws a QR code.
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

const SEAL_VERSION = 'v1';

/**
 * Seals a TOTP secret for the database: AES-256-GCM under the server key's 'totp-encryption' key,
 * with the account id as associated data, so a row copied onto another account does not open.
 * Format: v1.<iv>.<tag>.<ciphertext>, base64url each.
 */
export function sealTotpSecret(key: ServerKey, options: { accountId: number; secret: Uint8Array }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key('totp-encryption'), iv);
  cipher.setAAD(Buffer.from(`totp:${options.accountId}`));
  const ciphertext = Buffer.concat([cipher.update(options.secret), cipher.final()]);
  return [SEAL_VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/**
 * Opens a sealed secret. A different server key (or a tampered row) fails authentication: that is
 * INTERNAL with a message that says what to do, never a silent "wrong code" for every attempt.
 */
export function openTotpSecret(key: ServerKey, options: { accountId: number; sealed: string }): Buffer {
  const [version, iv, tag, ciphertext] = options.sealed.split('.');
  if (version !== SEAL_VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new MailwardError('INTERNAL', { message: 'two-factor secret: unknown format' });
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key('totp-encryption'), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`totp:${options.accountId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  } catch (error) {
    throw new MailwardError('INTERNAL', {
      message: 'two-factor secret cannot be decrypted: the server key changed (see docs/security.md, "Rotating the server key")',
      cause: error,
    });
  }
}
