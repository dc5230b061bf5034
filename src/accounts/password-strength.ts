// The admin's password strength levels (product spec): length, character classes, common and name-based passwords.
import fs from 'node:fs';
import { MailwardError } from '../errors/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { PasswordStrengthLevel } from './policy-schema.js';

export const STRENGTH_RULES: Record<PasswordStrengthLevel, { minLength: number; classes: number }> = {
  none: { minLength: 1, classes: 0 },
  medium: { minLength: 8, classes: 2 },
  strong: { minLength: 8, classes: 3 },
  very_strong: { minLength: 14, classes: 3 },
};

/** Longer secrets are refused: argon2 cost grows with input, and nobody types 1 KiB. */
export const MAX_PASSWORD_BYTES = 1024;

let commonPasswords: Set<string> | undefined;

/** The shipped list of the 10,000 most common passwords, loaded once. */
function common(): Set<string> {
  if (!commonPasswords) {
    const text = fs.readFileSync(new URL('../../assets/common-passwords.txt', import.meta.url), 'utf8');
    commonPasswords = new Set(text.split('\n').filter(Boolean));
  }
  return commonPasswords;
}

/** Counts lowercase, uppercase, digits and symbols (anything else, including non-ASCII letters, counts as a symbol). */
export function characterClasses(password: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let symbol = 0;
  for (const ch of password) {
    if (/\p{Ll}/u.test(ch)) lower = 1;
    else if (/\p{Lu}/u.test(ch)) upper = 1;
    else if (/\p{Nd}/u.test(ch)) digit = 1;
    else symbol = 1;
  }
  return lower + upper + digit + symbol;
}

export interface StrengthFailure {
  code: Extract<ErrorCode, 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_SIMPLE' | 'PASSWORD_COMMON' | 'PASSWORD_CONTAINS_NAME' | 'TOO_BIG'>;
  message: string;
}

/** Every rule the password still breaks at this level (empty when it is acceptable); for live meters. */
export function passwordStrengthFailures(
  password: string,
  options: { level: PasswordStrengthLevel; localPart?: string },
): StrengthFailure[] {
  const rule = STRENGTH_RULES[options.level];
  const failures: StrengthFailure[] = [];
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    failures.push({ code: 'TOO_BIG', message: `password: at most ${MAX_PASSWORD_BYTES} bytes` });
  }
  if ([...password].length < rule.minLength) {
    failures.push({ code: 'PASSWORD_TOO_SHORT', message: `password: at least ${rule.minLength} characters are required` });
  }
  if (characterClasses(password) < rule.classes) {
    failures.push({
      code: 'PASSWORD_TOO_SIMPLE',
      message: `password: at least ${rule.classes} of lowercase, uppercase, digits and symbols are required`,
    });
  }
  if (options.level !== 'none') {
    const lower = password.toLowerCase();
    if (common().has(lower)) failures.push({ code: 'PASSWORD_COMMON', message: 'password: this is one of the most common passwords' });
    const name = options.localPart?.toLowerCase();
    if (name && name.length >= 3 && lower.includes(name)) {
      failures.push({ code: 'PASSWORD_CONTAINS_NAME', message: 'password: must not contain the account name' });
    }
  }
  return failures;
}

/** Throws the first failure as a MailwardError with its precise code. */
export function assertPasswordStrength(password: string, options: { level: PasswordStrengthLevel; localPart?: string }): void {
  const [first] = passwordStrengthFailures(password, options);
  if (first) throw new MailwardError(first.code, { message: first.message });
}
