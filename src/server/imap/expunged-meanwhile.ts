// Tells a message that another session expunged while a command read it from a storage fault: its row is gone.
import { isMailwardError } from '../../errors/index.js';
import type { IMAPCommandContext } from './imap-context.js';

/**
 * Whether `error` (met reading a message's body or structure) means the message was expunged by
 * another session meanwhile: NOT_FOUND, and the message row is gone too. The session may still
 * name the message until it is told of the expunge (RFC 3501 §7.4.1, RFC 9051 §7.5.1), so the
 * command goes on without it; anything else is a fault and stands.
 */
export async function expungedMeanwhile(context: IMAPCommandContext, uid: number, error: unknown): Promise<boolean> {
  if (!isMailwardError(error) || error.code !== 'NOT_FOUND') return false;
  const view = context.session.selected;
  if (!view) return false;
  return (await context.deps.mailboxes.fetchRows(view.mailbox.id, [uid])).length === 0;
}
