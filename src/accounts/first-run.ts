// First start on an empty data directory: a demo domain and an admin with a one-time password.
import { randomInt } from 'node:crypto';
import type { AccountService } from './account-service.js';

/** No look-alikes (0/O, 1/l/I) so the password can be read off a terminal and typed. */
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/**
 * A random password of four groups of five characters joined by '-', e.g. "k7Qmz-p3XaR-...":
 * about 110 bits of entropy, and it satisfies every strength level (length 23, four classes).
 */
export function generateOneTimePassword(): string {
  const alphabet = LOWER + UPPER + DIGITS;
  for (;;) {
    const groups = Array.from({ length: 4 }, () =>
      Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join(''),
    );
    const password = groups.join('-');
    if (/[a-z]/.test(password) && /[A-Z]/.test(password) && /\d/.test(password)) return password;
  }
}

export const FIRST_RUN_DOMAIN = 'example.test';
export const FIRST_RUN_ADMIN = 'admin@example.test';

/**
 * When no account exists yet, creates the first-run domain and admin and returns the admin's
 * one-time password (the caller shows it once and never logs it); otherwise returns undefined.
 */
export async function ensureFirstRunAdmin(accounts: AccountService): Promise<{ address: string; password: string } | undefined> {
  if ((await accounts.listUsers()).length > 0) return undefined;
  const domains = await accounts.listDomains();
  if (!domains.some((d) => d.name === FIRST_RUN_DOMAIN)) await accounts.addDomain(FIRST_RUN_DOMAIN);
  const password = generateOneTimePassword();
  await accounts.addUser({ address: FIRST_RUN_ADMIN, password, displayName: 'Administrator', admin: true, mustChangePassword: true });
  return { address: FIRST_RUN_ADMIN, password };
}
