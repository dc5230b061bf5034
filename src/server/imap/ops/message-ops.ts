// The commands on messages of the selected mailbox: FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE and their UID forms.
import type { IMAPOp } from '../imap-context.js';
import { COPY, MOVE, UID_COPY, UID_MOVE } from './copy.js';
import { EXPUNGE, UID_EXPUNGE } from './expunge.js';
import { FETCH, UID_FETCH } from './fetch.js';
import { SEARCH, UID_SEARCH } from './search.js';
import { STORE, UID_STORE } from './store.js';

export const MESSAGE_OPS: Record<string, IMAPOp> = {
  FETCH,
  'UID FETCH': UID_FETCH,
  STORE,
  'UID STORE': UID_STORE,
  SEARCH,
  'UID SEARCH': UID_SEARCH,
  COPY,
  'UID COPY': UID_COPY,
  MOVE,
  'UID MOVE': UID_MOVE,
  EXPUNGE,
  'UID EXPUNGE': UID_EXPUNGE,
};
