// TOP (RFC 1939 §7): header and first n body lines; a preview is not counted as a download, but a TOP that turns out to send the whole message is.
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { openMessage, sendMessage } from './send-message.js';
import { loginOf } from './transaction.js';

export async function top(session: POP3Session, command: CommandOf<'TOP'>): Promise<void> {
  const opened = await openMessage(session, command.message);
  if (!opened) return;
  const whole = await sendMessage(session, opened, { bodyLines: command.lines });
  // `TOP n 999999` must not be a way around limits.pop3.messages_per_day. It is counted after the
  // fact (the size of the cut is known only at the end); crossing the limit disables the account.
  if (whole) await session.deps.security.volume.count({ account: loginOf(session).account, kind: 'pop3' });
}
