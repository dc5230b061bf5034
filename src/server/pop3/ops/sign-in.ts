// The end of USER/PASS and AUTH: authenticate() (protocol pop3), then lock the maildrop, register the session and enter TRANSACTION.
import { errLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import { Maildrop } from '../maildrop.js';
import { MaildropLock } from '../maildrop-lock.js';
import { POP3_REPLIES, authFailureLine } from '../pop3-replies.js';

/** Failed sign-ins one connection may make before it is closed (the throttle counts them all anyway). */
export const MAX_AUTH_FAILURES = 3;

/**
 * Whether this connection may carry a password: TLS, or plain text allowed by the admin
 * (pop3.allow_plaintext_auth; RFC 2595 §2.4: no clear-text passwords on an unencrypted channel).
 */
export function mayAuthenticate(session: POP3Session): boolean {
  return session.secure || session.deps.allowPlaintextAuth;
}

export const PLAINTEXT_REFUSED = errLine('Sign-in without TLS is disabled; use STLS or port 995 first', { code: 'AUTH' });

export async function signIn(session: POP3Session, username: string, secret: string): Promise<void> {
  const { deps } = session;
  const result = await deps.security.authenticate({ protocol: 'pop3', username, secret, remoteIp: session.remoteIp, client: '', tls: session.secure });
  if (!result.ok) {
    session.authFailures++;
    session.write(authFailureLine(result));
    if (session.authFailures >= MAX_AUTH_FAILURES) session.close();
    return;
  }
  const account = result.account;
  const mailbox = await deps.mailboxes.get(account.id, 'INBOX');
  const lock = await MaildropLock.acquire({
    state: deps.state,
    mailboxId: mailbox.id,
    owner: session.id,
    now: deps.now,
    onLost: () => session.end(errLine('The maildrop lock was lost; closing without changes', { code: 'IN-USE' })),
    onError: (error) => session.logger.warn({ err: error }, 'pop3 maildrop lock renewal failed'),
  });
  if (!lock) {
    // RFC 1939 §7 PASS: "-ERR unable to lock maildrop"; the session stays in AUTHORIZATION.
    session.write(errLine(POP3_REPLIES.IN_USE.text, { code: 'IN-USE' }));
    return;
  }
  const registration = deps.security.sessions.register({
    accountId: account.id,
    protocol: 'pop3',
    credential: result.credential,
    appPasswordId: result.appPasswordId,
    ...(result.device ? { deviceId: result.device.device.id } : {}),
    authenticatedAt: result.authenticatedAt,
    ip: session.remoteIp,
    client: '',
    end: (reason) => {
      session.logger.info({ reason }, 'pop3 session ended by revocation');
      session.end(errLine(`Session ended by the server (${reason.replace(/_/g, ' ')}); nothing was deleted`, { code: 'AUTH' }));
    },
  });
  let maildrop: Maildrop;
  try {
    maildrop = await Maildrop.open(deps.mailboxes, mailbox);
  } catch (error) {
    registration.unregister();
    await lock.release();
    throw error;
  }
  session.pendingUser = undefined;
  session.enterTransaction({ account, maildrop, lock, unregister: registration.unregister });
  const { count, octets } = maildrop.stat();
  session.logger.info({ account: account.address, messages: count }, 'pop3 login');
  session.write(okLine(`Maildrop has ${count} message${count === 1 ? '' : 's'} (${octets} octets)`));
}
