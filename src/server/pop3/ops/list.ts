// LIST (RFC 1939 §5): "n size" for one message or for every message not marked deleted.
import { multiLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import type { POP3Session } from '../pop3-context.js';
import { loginOf, pick } from './transaction.js';

export async function list(session: POP3Session, command: CommandOf<'LIST'>): Promise<void> {
  const login = loginOf(session);
  if (command.message !== undefined) {
    const picked = pick(login, command.message);
    return session.write('line' in picked ? picked.line : okLine(`${command.message} ${picked.message.size}`));
  }
  const { count, octets } = login.maildrop.stat();
  const lines: string[] = [];
  for (const [n, message] of login.maildrop.visible()) lines.push(`${n} ${message.size}`);
  session.write(multiLine(`${count} messages (${octets} octets)`, lines));
}
