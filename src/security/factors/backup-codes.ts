// Backup codes: ten generated single-use codes for when the authenticator is lost, stored as keyed hashes.
import { randomInt } from 'node:crypto';
import type { ServerKey } from '../../kernel/server-key.js';

export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 12;
/** The API reminds the user to print a new set when this many or fewer are left. */
export const BACKUP_CODES_LOW = 3;

/**
 * 32 symbols: the digits 2–9 and the capitals without I and O. 0/O and 1/I are the pairs people
 * misread on paper and on screen; dropping 0, 1, I and O leaves no look-alike pair in the set (L
 * has no twin once 1 and I are gone). A power of two keeps randomInt unbiased and gives 5 bits per
 * symbol: 12 symbols carry 60 bits, far beyond guessing under the sign-in throttle.
 */
export const BACKUP_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Upper case without spaces and hyphens: "abcd-efgh-jkmn" and "ABCD EFGH JKMN" are one code. */
export function normalizeBackupCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

export function looksLikeBackupCode(text: string): boolean {
  const code = normalizeBackupCode(text);
  return code.length === BACKUP_CODE_LENGTH && [...code].every((c) => BACKUP_CODE_ALPHABET.includes(c));
}

/** How a code is shown and printed: three groups of four. */
export function formatBackupCode(code: string): string {
  return normalizeBackupCode(code).match(/.{1,4}/g)!.join('-');
}

export function generateBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let code = '';
    for (let i = 0; i < BACKUP_CODE_LENGTH; i++) code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
    codes.add(code);
  }
  return [...codes].map(formatBackupCode);
}

/**
 * The stored form of a code: HMAC-SHA-256 under the server key's 'backup-code' key. Not argon2id:
 * a sign-in with a backup code would have to try each of the ten slow hashes (they cannot be looked
 * up by value), i.e. ten argon2id runs per attempt, a gift to anyone flooding the form. A keyed hash
 * can be looked up by value in one indexed query, and with 60 random bits per code a stolen
 * database alone (without the key, which lives outside it) allows no offline guessing at all.
 */
export function hashBackupCode(key: ServerKey, options: { accountId: number; code: string }): string {
  return key.mac('backup-code', `${options.accountId}\u0000${normalizeBackupCode(options.code)}`);
}

/** The text of the downloadable file: the codes and how to treat them (shown once; we keep only hashes). */
export function backupCodesText(options: { address: string; issuer: string; codes: string[]; createdAt: number }): string {
  return [
    `${options.issuer} backup codes for ${options.address}`,
    `Created ${new Date(options.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    '',
    ...options.codes.map((code, i) => `${String(i + 1).padStart(2, ' ')}. ${code}`),
    '',
    'Each code works once, in place of a code from your authenticator app.',
    'Keep them somewhere safe and never share them, not even with support.',
    'Making a new set invalidates these.',
    '',
  ].join('\n');
}
