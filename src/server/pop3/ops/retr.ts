// RETR (RFC 1939 §5): the whole message; each one counts into the account's daily POP3 volume (limits.pop3.messages_per_day).
import { errLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { openMessage, sendMessage } from './send-message.js';
import { loginOf } from './transaction.js';

export async function retr(session: POP3Session, command: CommandOf<'RETR'>): Promise<void> {
  const opened = await openMessage(session, command.message);
  if (!opened) return;
  // Counted before the bytes go out: past the limit the message is refused and volume-limits
  // disables the account, whose registered sessions (this one too) then end.
  const verdict = await session.deps.security.volume.count({ account: loginOf(session).account, kind: 'pop3' });
  if (!verdict.ok) {
    if (!Buffer.isBuffer(opened.body)) opened.body.destroy();
    session.logger.warn({ limit: verdict.limit, max: verdict.max }, 'pop3 download limit reached; account disabled');
    return session.write(errLine(`Daily download limit reached (${verdict.max} messages); the account is now disabled`, { code: 'SYS/PERM' }));
  }
  await sendMessage(session, opened);
  opened.message.retrieved = true;
}
