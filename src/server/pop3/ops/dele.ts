// DELE (RFC 1939 §5): marks a message deleted; only QUIT removes it, so a dropped connection deletes nothing.
import { okLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { loginOf, pick } from './transaction.js';

export async function dele(session: POP3Session, command: CommandOf<'DELE'>): Promise<void> {
  const picked = pick(loginOf(session), command.message);
  if ('line' in picked) return session.write(picked.line);
  picked.message.deleted = true;
  session.write(okLine(`Message ${command.message} marked deleted`));
}
