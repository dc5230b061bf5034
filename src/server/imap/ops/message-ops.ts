// The commands on messages of the selected mailbox: FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE and their UID forms.
import type { IMAPOp } from '../imap-context.js';

export const MESSAGE_OPS: Record<string, IMAPOp> = {};
