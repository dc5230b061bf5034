// The commands on mailboxes: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, NAMESPACE, APPEND, QUOTA.
import type { IMAPOp } from '../imap-context.js';

export const MAILBOX_OPS: Record<string, IMAPOp> = {};
