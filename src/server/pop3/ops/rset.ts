// RSET (RFC 1939 §5): unmarks every message marked deleted in this session.
import { okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import { loginOf } from './transaction.js';

export async function rset(session: POP3Session): Promise<void> {
  const { maildrop } = loginOf(session);
  maildrop.undelete();
  const { count, octets } = maildrop.stat();
  session.write(okLine(`Maildrop has ${count} messages (${octets} octets)`));
}
