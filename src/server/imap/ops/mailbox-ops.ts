// The commands on mailboxes: CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, NAMESPACE, APPEND, QUOTA.
import type { IMAPOp } from '../imap-context.js';
import { APPEND } from './append.js';
import { CREATE } from './create.js';
import { DELETE } from './delete.js';
import { GETQUOTA } from './get-quota.js';
import { GETQUOTAROOT } from './get-quota-root.js';
import { LIST } from './list.js';
import { LSUB } from './lsub.js';
import { NAMESPACE } from './namespace.js';
import { RENAME } from './rename.js';
import { SETQUOTA } from './set-quota.js';
import { STATUS } from './status.js';
import { SUBSCRIBE } from './subscribe.js';
import { UNSUBSCRIBE } from './unsubscribe.js';

export const MAILBOX_OPS: Record<string, IMAPOp> = {
  CREATE,
  DELETE,
  RENAME,
  SUBSCRIBE,
  UNSUBSCRIBE,
  LIST,
  LSUB,
  STATUS,
  NAMESPACE,
  APPEND,
  GETQUOTA,
  GETQUOTAROOT,
  SETQUOTA,
};
