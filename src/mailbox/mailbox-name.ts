// Mailbox names as every door sees them: '/' separates levels, INBOX is one name in any case.
import { MailwardError } from '../errors/index.js';
import { INBOX } from './default-mailboxes.js';

export const HIERARCHY_DELIMITER = '/';

/** Longest name in UTF-8 bytes; a bound on what a client can make us store and compare. */
export const MAX_MAILBOX_NAME_BYTES = 512;

/**
 * Canonical form of a mailbox name, or INVALID_INPUT. `inbox` and `Inbox/Sub` become `INBOX` and
 * `INBOX/Sub` (RFC 3501 §5.1: INBOX is case-insensitive, and so is it as a parent). Refused:
 * empty levels (`a//b`, `/a`, `a/`), control characters, and the LIST wildcards `*` and `%`,
 * which would make a name match patterns it was not meant to.
 */
export function normalizeMailboxName(name: string): string {
  const normalized = name.toUpperCase() === INBOX ? INBOX : name.toUpperCase().startsWith(`${INBOX}/`) ? `${INBOX}${name.slice(INBOX.length)}` : name;
  if (normalized.length === 0) throw invalid('A mailbox name must not be empty');
  if (Buffer.byteLength(normalized, 'utf8') > MAX_MAILBOX_NAME_BYTES) throw invalid('The mailbox name is too long');
  if (/[\u0000-\u001f\u007f*%]/u.test(normalized)) throw invalid('The mailbox name contains a character that is not allowed');
  if (normalized.split(HIERARCHY_DELIMITER).some((level) => level.length === 0)) throw invalid('The mailbox name has an empty level');
  return normalized;
}

/** `a/b/c` → [`a`, `a/b`]. */
export function parentNames(name: string): string[] {
  const levels = name.split(HIERARCHY_DELIMITER);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(HIERARCHY_DELIMITER));
}

export function isInferiorOf(name: string, parent: string): boolean {
  return name.startsWith(`${parent}${HIERARCHY_DELIMITER}`);
}

function invalid(message: string): MailwardError {
  return new MailwardError('INVALID_INPUT', { message });
}
