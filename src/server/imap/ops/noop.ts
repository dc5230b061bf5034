// NOOP and CHECK (RFC 3501 §6.1.2, §6.4.1): nothing to do but report what changed, which the connection does after every command.
import * as grammar from '../../../proto/imap/commands/noop.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE, SELECTED } from '../imap-context.js';

export const NOOP: IMAPOp = {
  grammar: grammar.NOOP,
  states: ANY_STATE,
  async run() {},
};

/** CHECK is gone from IMAP4rev2; every write is already durable, so it is a NOOP in the selected state. */
export const CHECK: IMAPOp = {
  grammar: grammar.CHECK,
  states: SELECTED,
  async run() {},
};
