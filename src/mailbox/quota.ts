// The account's storage limit as a check before mail is added by its owner (APPEND, COPY): delivery from outside has rules of its own.
import { accountRecords } from '../accounts/index.js';
import { MailwardError } from '../errors/index.js';
import type { Store } from '../store/index.js';

/** QUOTA_EXCEEDED when `bytes` more would take the account past its limit (0 = none), read fresh: the administrator may change it at any time. */
export async function assertWithinQuota(store: Store, accountId: number, bytes: number): Promise<void> {
  const account = await accountRecords(store).findById(accountId);
  if (!account || account.quotaBytes <= 0) return;
  const usage = await store.mail.accountUsage(accountId);
  if (usage.size + bytes > account.quotaBytes) throw new MailwardError('QUOTA_EXCEEDED', { message: 'The mailbox quota would be exceeded' });
}
