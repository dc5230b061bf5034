// Turning CONDSTORE on for a session (RFC 7162 §3.1): by ENABLE or by the first command that uses a mod-sequence.
import { untagged } from '../../proto/imap/imap-response.js';
import type { IMAPCommandContext } from './imap-context.js';

/**
 * Marks CONDSTORE as on; from now on untagged FETCH responses carry MODSEQ. When that happens with
 * a mailbox selected, the client learns the mailbox's HIGHESTMODSEQ at once, in an untagged OK
 * before the command's answer (RFC 7162 §3.1), as SELECT would have told it.
 */
export async function enableCondstore(context: IMAPCommandContext): Promise<void> {
  const { session } = context;
  if (session.condstore) return;
  session.condstore = true;
  if (session.selected) await context.write(untagged('OK', 'Highest', { code: { name: 'HIGHESTMODSEQ', args: [session.selected.highestModseq] } }));
}
