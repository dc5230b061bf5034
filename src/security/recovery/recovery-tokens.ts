// Mailed secrets of account recovery (alternate-email codes and links, password reset links): generation, keyed hashes, constant-time comparison, link building.
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { ServerKey } from '../../kernel/server-key.js';

/** 256 random bits: a link token cannot be guessed, so looking it up needs no throttle. */
export const LINK_TOKEN_BYTES = 32;
/** 8 digits: short enough to type from a phone, and a few wrong tries void it (see AlternateEmail). */
export const VERIFICATION_CODE_DIGITS = 8;

/** What a keyed hash is for, so a value minted for one use never matches another. */
export type RecoveryTokenLabel = 'alternate-email-code' | 'alternate-email-link' | 'password-reset';

export function generateLinkToken(): string {
  return randomBytes(LINK_TOKEN_BYTES).toString('base64url');
}

/** base64url of LINK_TOKEN_BYTES bytes, no padding; anything else is refused before any lookup. */
export function looksLikeLinkToken(text: string): boolean {
  return text.length === Math.ceil((LINK_TOKEN_BYTES * 4) / 3) && /^[A-Za-z0-9_-]+$/.test(text);
}

export function generateVerificationCode(): string {
  return String(randomInt(0, 10 ** VERIFICATION_CODE_DIGITS)).padStart(VERIFICATION_CODE_DIGITS, '0');
}

/** "1234 5678" and "1234-5678" are the code 12345678. */
export function normalizeVerificationCode(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/**
 * The stored form: HMAC-SHA-256 under the server key's 'security-token' key, as backup codes and
 * app passwords are kept. A stolen database alone (the key lives outside it) lets nobody turn a
 * stored value back into a working code or link, nor test guesses offline.
 */
export function recoveryTokenHash(key: ServerKey, options: { label: RecoveryTokenLabel; text: string; accountId?: number }): string {
  return key.mac('security-token', `${options.label}\u0000${options.accountId ?? ''}\u0000${options.text}`);
}

/** Compares two hex digests in constant time (a timing difference must not tell how much of a guess was right). */
export function sameHash(a: string, b: string | null | undefined): boolean {
  if (b === null || b === undefined) return false;
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * `${base}${path}#token=…`. The token goes in the fragment, which browsers never send to a server,
 * so it stays out of access logs, proxies and Referer headers. `baseUrl` must come from the
 * configuration, never from a request's Host header: a forged Host would have us mail a working
 * token to its owner inside a link to the attacker's site.
 */
export function recoveryLink(baseUrl: string, options: { path: string; token: string }): string {
  return `${recoveryLinkBase(baseUrl)}${options.path}#token=${options.token}`;
}

/** The checked, normalised base of recovery links (origin and path, no trailing slash); CONFIG_INVALID otherwise. */
export function recoveryLinkBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MailwardError('CONFIG_INVALID', { message: 'recovery links: the base URL is not an absolute URL' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new MailwardError('CONFIG_INVALID', { message: 'recovery links: the base URL must be http(s)://host[/path] without credentials, query or fragment' });
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** "2023-11-14 22:13:20 UTC": for mailed texts that say when something happened or until when a code works. */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, ' UTC').replace('T', ' ');
}
