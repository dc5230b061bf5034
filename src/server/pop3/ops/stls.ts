// STLS (RFC 2595 §4): upgrades the plain-text port to TLS before authentication.
import { errLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';

export async function stls(session: POP3Session): Promise<void> {
  if (!session.canStartTLS) return session.write(errLine(session.secure ? 'TLS is already active' : 'STLS is not available here'));
  await session.startTLS();
}
