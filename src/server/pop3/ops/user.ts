// USER: remembers the name for PASS; the answer is the same whether or not the account exists.
import { okLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { PLAINTEXT_REFUSED, mayAuthenticate } from './sign-in.js';

export async function user(session: POP3Session, command: CommandOf<'USER'>): Promise<void> {
  if (!mayAuthenticate(session)) return session.write(PLAINTEXT_REFUSED);
  session.pendingUser = command.name;
  session.write(okLine('Send PASS'));
}
