// UIDL (RFC 1939 §7): "n unique-id" for one message or every message not marked deleted; the id is UIDVALIDITY.UID, the same as IMAP's.
import { multiLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { loginOf, pick } from './transaction.js';

export async function uidl(session: POP3Session, command: CommandOf<'UIDL'>): Promise<void> {
  const { maildrop } = loginOf(session);
  if (command.message !== undefined) {
    const picked = pick(loginOf(session), command.message);
    return session.write('line' in picked ? picked.line : okLine(`${command.message} ${maildrop.uniqueId(picked.message)}`));
  }
  const lines: string[] = [];
  for (const [n, message] of maildrop.visible()) lines.push(`${n} ${maildrop.uniqueId(message)}`);
  session.write(multiLine('Unique-id listing follows', lines));
}
