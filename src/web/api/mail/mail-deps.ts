// What the webmail's mail API needs from the mail core, and the lookups every mail route shares (the session's own mailbox, message UIDs).
import type { AccountService } from '../../../accounts/index.js';
import { MailwardError } from '../../../errors/index.js';
import type { MailboxRow, Mailboxes } from '../../../mailbox/index.js';
import type { RecipientResolver, Submission } from '../../../transport/index.js';
import type { EventBus } from '../../../shared-state/index.js';
import type { ImageProxyDeps } from './image-proxy.js';

/** The senders whose remote images an account always loads (the store's imageSenders repository); senders lower-case. */
export interface ImageSenderList {
  /** Returns the sender's row; adding a sender that is there already changes nothing. */
  add(input: { accountId: number; sender: string; now: number }): Promise<{ sender: string; created_at: number }>;
  /** True when the sender was on the list. */
  remove(accountId: number, sender: string): Promise<boolean>;
  has(accountId: number, sender: string): Promise<boolean>;
  list(accountId: number): Promise<Array<{ sender: string; created_at: number }>>;
  count(accountId: number): Promise<number>;
}

export interface MailAPIDeps {
  mailboxes: Mailboxes;
  events: EventBus;
  /** Local accounts, for the "display name imitates a local user" warning. */
  accounts: Pick<AccountService, 'listUsers'>;
  recipients: RecipientResolver;
  /** The authenticated-submission path SMTP uses; without it the send route answers NOT_FOUND. */
  submission?: Submission;
  /** smtp.max_message_bytes: the same limit as a message submitted over SMTP. */
  maxMessageBytes: number;
  /** The senders whose remote images the user always loads (store.imageSenders). */
  imageSenders: ImageSenderList;
  /** The image proxy's signing key (the server key) and, in tests only, its guard's relaxations. */
  imageProxy: ImageProxyDeps;
  now: () => number;
}

/**
 * The account's own mailbox: names are looked up only among the session account's mailboxes, so
 * another account's folder is NOT_FOUND like one that does not exist.
 */
export async function ownFolder(deps: MailAPIDeps, accountId: number, name: string): Promise<MailboxRow> {
  return deps.mailboxes.get(accountId, name);
}

export async function specialFolder(deps: MailAPIDeps, accountId: number, specialUse: string): Promise<MailboxRow> {
  const found = (await deps.mailboxes.list(accountId)).find((m) => m.special_use === specialUse);
  if (!found) throw new MailwardError('NOT_FOUND', { message: `There is no ${specialUse} folder` });
  return found;
}
