// IDLE (RFC 2177): reports changes as they happen until the client says DONE; the doorbell is the event bus, the truth the journal.
import { continuation } from '../../../proto/imap/imap-response.js';
import * as grammar from '../../../proto/imap/commands/idle.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

/** How often IDLE re-reads the journal when no doorbell rang (changes made by another process). */
export const IDLE_POLL_MS = 2000;

export const IDLE: IMAPOp = {
  grammar: grammar.IDLE,
  states: AUTHENTICATED,
  async run(context) {
    await context.write(continuation('idling'));
    for (;;) {
      await context.flushUpdates({ allowExpunge: true });
      const next = await context.waitForLineOrChange(IDLE_POLL_MS);
      if (next.kind === 'change') continue;
      if (next.line === undefined) return { text: 'IDLE terminated' };
      if (next.line.trim().toUpperCase() === 'DONE') return { text: 'IDLE terminated' };
      return { status: 'BAD', text: 'Expected DONE' };
    }
  },
};
