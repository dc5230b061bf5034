// STAT (RFC 1939 §5): "+OK count octets" for the messages not marked deleted.
import { okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import { loginOf } from './transaction.js';

export async function stat(session: POP3Session): Promise<void> {
  const { count, octets } = loginOf(session).maildrop.stat();
  session.write(okLine(`${count} ${octets}`));
}
