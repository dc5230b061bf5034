// QUIT (RFC 1939 §6): in TRANSACTION, the UPDATE state: removes the messages marked deleted, sets \Seen on the ones retrieved, then closes.
import { randomBytes } from 'node:crypto';
import { errLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';

export async function quit(session: POP3Session): Promise<void> {
  const { deps } = session;
  const login = session.login;
  if (!login) {
    session.write(okLine(`${deps.hostname} POP3 server signing off`));
    return session.close();
  }
  const { maildrop } = login;
  const deleted = maildrop.deletedUids();
  try {
    // remove() deletes only those still there: one IMAP expunged meanwhile is already gone, which is fine.
    if (deleted.length > 0) await deps.mailboxes.remove(maildrop.mailboxId, deleted);
  } catch (error) {
    const correlationId = randomBytes(6).toString('hex');
    session.logger.error({ err: error, correlationId }, 'pop3 UPDATE failed');
    // RFC 1939 §6: -ERR "some deleted messages not removed"; the session still ends.
    session.write(errLine(`Some deleted messages were not removed (ref ${correlationId})`, { code: 'SYS/TEMP' }));
    return session.close();
  }
  const seen = maildrop.retrievedUids();
  if (seen.length > 0) {
    // IMAP and the webmail then show downloaded mail as read, as Dovecot does. A failure here
    // costs only a flag, so it is logged and the QUIT still succeeds.
    await deps.mailboxes.storeFlags(maildrop.mailboxId, seen, { mode: 'add', flags: { seen: true } }).catch((error: unknown) => {
      session.logger.warn({ err: error }, 'pop3 could not set \\Seen at QUIT');
    });
  }
  // Free the maildrop before saying so: a client that signs in again as soon as it reads +OK must
  // not meet its own old session's lock (with a networked StateStore the release is a round trip).
  // Releasing twice is harmless; the connection's cleanup does it again.
  await login.lock.release().catch((error: unknown) => {
    session.logger.warn({ err: error }, 'pop3 maildrop lock release failed');
  });
  const left = maildrop.size - deleted.length;
  session.write(okLine(`${deps.hostname} POP3 server signing off (${left === 0 ? 'maildrop empty' : `${left} message${left === 1 ? '' : 's'} left`})`));
  session.close();
}
