// PASS: signs in with the name of the preceding USER.
import { errLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { PLAINTEXT_REFUSED, mayAuthenticate, signIn } from './sign-in.js';

export async function pass(session: POP3Session, command: CommandOf<'PASS'>): Promise<void> {
  if (!mayAuthenticate(session)) return session.write(PLAINTEXT_REFUSED);
  const name = session.pendingUser;
  // RFC 1939 §7: PASS only right after a successful USER; a failed PASS needs USER again.
  session.pendingUser = undefined;
  if (name === undefined) return session.write(errLine('Send USER first'));
  await signIn(session, name, command.secret);
}
