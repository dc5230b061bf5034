// Finishing a LOGIN or AUTHENTICATE: one place turns authenticate()'s answer into the session or a tagged NO.
import type { AuthenticateResult } from '../../../security/index.js';
import type { CommandResult, IMAPCommandContext } from '../imap-context.js';
import { IMAP_RESPONSES } from '../imap-responses.js';

/** Whether a password may be sent on this connection (RFC 3501 §6.2.3 LOGINDISABLED, RFC 9051 §11.1). */
export function plaintextRefused(context: IMAPCommandContext): CommandResult | undefined {
  if (context.session.secure || context.deps.allowPlaintextAuth) return undefined;
  return { status: 'NO', code: { name: 'PRIVACYREQUIRED' }, text: 'Use STARTTLS before logging in' };
}

export async function signIn(context: IMAPCommandContext, username: string, secret: string): Promise<CommandResult> {
  const { session, deps } = context;
  const result: AuthenticateResult = await deps.security.authenticate({
    protocol: 'imap',
    username,
    secret,
    remoteIp: session.remoteIp,
    client: session.clientName,
    tls: session.secure,
  });
  if (!result.ok) {
    const mapped = IMAP_RESPONSES[result.code];
    const text = result.code === 'AUTH_THROTTLED' && result.retryAfterSeconds ? `${mapped.text} (in ${result.retryAfterSeconds} s)` : mapped.text;
    return { status: mapped.status, code: { name: mapped.code }, text };
  }
  await context.loggedIn(result);
  return { code: { name: 'CAPABILITY', args: context.capabilities().map((atom) => ({ atom })) }, text: 'Logged in' };
}
