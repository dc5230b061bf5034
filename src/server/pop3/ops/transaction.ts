// Helpers for the TRANSACTION ops: the signed-in state, and a message number checked against the maildrop.
import { MailwardError } from '../../../errors/index.js';
import { errLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Login, POP3Session } from '../pop3-context.js';
import type { MaildropMessage } from '../maildrop.js';

/** The login of a session in TRANSACTION (the connection checked the state before the op ran). */
export function loginOf(session: POP3Session): POP3Login {
  const login = session.login;
  if (!login) throw new MailwardError('INTERNAL', { message: 'pop3: TRANSACTION op without a login' });
  return login;
}

/** The message with number `n`, or an -ERR line saying why there is none. */
export function pick(login: POP3Login, n: number): { message: MaildropMessage } | { line: string } {
  const message = login.maildrop.message(n);
  if (!message) {
    const size = login.maildrop.size;
    return { line: errLine(size === 0 ? 'No such message; the maildrop is empty' : `No such message; numbers go from 1 to ${size}`) };
  }
  if (message.deleted) return { line: errLine(`Message ${n} is already marked deleted`) };
  return { message };
}
