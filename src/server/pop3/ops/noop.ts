// NOOP (RFC 1939 §5).
import { okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';

export async function noop(session: POP3Session): Promise<void> {
  session.write(okLine());
}
