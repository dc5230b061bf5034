// Streams one message (or TOP's part of it) dot-stuffed after "+OK", checking first that another client has not expunged it.
import type { Readable } from 'node:stream';
import { isMailwardError } from '../../../errors/index.js';
import { DotStuffer, TopLimiter } from '../../../proto/pop3/pop3-message-stream.js';
import { errLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import type { MaildropMessage } from '../maildrop.js';
import { loginOf, pick } from './transaction.js';

export interface OpenedMessage {
  message: MaildropMessage;
  body: Readable;
}

/**
 * The message with number `n` and its bytes, opened; or undefined after an -ERR was written.
 * The message is looked up again (one indexed row): IMAP or the webmail may have expunged it
 * since login, and then RETR must say so rather than fail or send another message's bytes.
 */
export async function openMessage(session: POP3Session, n: number): Promise<OpenedMessage | undefined> {
  const login = loginOf(session);
  const picked = pick(login, n);
  if ('line' in picked) {
    session.write(picked.line);
    return undefined;
  }
  const gone = (): undefined => {
    session.write(errLine(`Message ${n} was removed by another client (IMAP or webmail) during this session`));
    return undefined;
  };
  const [row] = await session.deps.mailboxes.messages(login.maildrop.mailboxId, [picked.message.uid]);
  if (!row) return gone();
  try {
    return { message: picked.message, body: await session.deps.mailboxes.bodyStream(row.blob_id) };
  } catch (error) {
    // Expunged between the row read and the open: its blob was released.
    if (isMailwardError(error, 'NOT_FOUND')) return gone();
    throw error;
  }
}

/**
 * Writes "+OK", the bytes and the terminating dot line, waiting for the socket as it drains.
 * Returns whether the whole message went out (TOP with enough lines sends it whole).
 */
export async function sendMessage(session: POP3Session, opened: OpenedMessage, options: { bodyLines?: number } = {}): Promise<boolean> {
  const stuffer = new DotStuffer();
  const limiter = options.bodyLines === undefined ? undefined : new TopLimiter(options.bodyLines);
  session.write(okLine(limiter ? 'Top of message follows' : `${opened.message.size} octets`));
  session.streaming = true;
  try {
    for await (const chunk of opened.body) {
      const part = limiter ? limiter.push(chunk as Buffer) : (chunk as Buffer);
      await session.send(stuffer.push(part));
      if (limiter?.done) break;
    }
  } finally {
    opened.body.destroy();
  }
  session.write(stuffer.end());
  session.streaming = false;
  return !limiter?.done;
}
