// The one quota root of an account and its QUOTA response (RFC 9208): every mailbox of the account counts against root "".
import { untaggedData } from '../../proto/imap/imap-response.js';
import type { ResponseValue } from '../../proto/imap/imap-response.js';
import type { IMAPCommandContext } from './imap-context.js';

/** The account-wide quota root; there is no per-mailbox quota. */
export const QUOTA_ROOT = '';

/**
 * `* QUOTA "" (STORAGE used limit)` in units of 1024 octets (RFC 9208 §5.1). Usage is rounded up
 * and the limit down, so a client never sees room that is not there. An account without a limit
 * gets an empty resource list (RFC 9208 §4.2.1: zero or more triplets) rather than a made-up
 * number. MESSAGE is not reported: accounts have no message-count limit to report.
 */
export async function quotaResponse(context: IMAPCommandContext): Promise<Buffer> {
  const quota = await context.deps.mailboxes.quota(context.session.account!.id);
  const resources: ResponseValue[] = quota.limitBytes > 0 ? [{ atom: 'STORAGE' }, Math.ceil(quota.size / 1024), Math.floor(quota.limitBytes / 1024)] : [];
  return untaggedData([{ atom: 'QUOTA' }, { string: QUOTA_ROOT }, { list: resources }]);
}
