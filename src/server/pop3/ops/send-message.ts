// Streams one message (or TOP's part of it) dot-stuffed after "+OK", checking first that another client has not expunged it.
import type { Readable } from 'node:stream';
import { isMailwardError } from '../../../errors/index.js';
import { DotStuffer, TopLimiter } from '../../../proto/pop3/pop3-message-stream.js';
import { errLine, okLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import type { MaildropMessage } from '../maildrop.js';
import { loginOf, pick } from './transaction.js';

/**
 * Messages up to this size are read whole, in one store read; larger ones are streamed, so a
 * 50 MB message never sits in memory. Most mail is far below it, and a RETR of a small message
 * then costs one query for its bytes instead of a size lookup plus a read.
 */
export const READ_WHOLE_BYTES = 128 * 1024;

export interface OpenedMessage {
  message: MaildropMessage;
  /** The bytes: whole for small messages, a stream for large ones (destroy it when done). */
  body: Buffer | Readable;
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
  // The narrowest row (blob and size): this runs once per RETR and TOP, read off the event loop where the store can.
  const [row] = await session.deps.mailboxes.fetchRows(login.maildrop.mailboxId, [picked.message.uid]);
  if (!row) return gone();
  try {
    const { mailboxes } = session.deps;
    if (row.size > READ_WHOLE_BYTES) return { message: picked.message, body: await mailboxes.bodyStream(row.blob_id) };
    // bodies() reads a body kept as a row on the store's reader; one kept as a file comes from the file.
    const body = (await mailboxes.bodies([row.blob_id])).get(row.blob_id);
    if (!body) return gone();
    return { message: picked.message, body };
  } catch (error) {
    // Expunged between the row read and the open: its blob was released.
    if (isMailwardError(error, 'NOT_FOUND')) return gone();
    throw error;
  }
}

/**
 * Writes "+OK", the bytes and the terminating dot line, waiting for the socket as it drains.
 * Returns whether the whole message went out (a TOP with enough lines sends it whole).
 */
export async function sendMessage(session: POP3Session, opened: OpenedMessage, options: { bodyLines?: number } = {}): Promise<boolean> {
  const stuffer = new DotStuffer();
  const limiter = options.bodyLines === undefined ? undefined : new TopLimiter(options.bodyLines);
  session.write(okLine(limiter ? 'Top of message follows' : `${opened.message.size} octets`));
  session.streaming = true;
  const { body } = opened;
  let sent = 0;
  try {
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      const part = limiter ? limiter.push(chunk as Buffer) : (chunk as Buffer);
      sent += part.length;
      await session.send(stuffer.push(part));
      if (limiter?.done) break;
    }
  } finally {
    if (!Buffer.isBuffer(body)) body.destroy();
  }
  session.write(stuffer.end());
  session.streaming = false;
  // By octets, not by whether the limiter stopped: `TOP n <exactly the body's line count>` stops
  // the limiter on the last line and still sends every byte, which is a whole download.
  return sent >= opened.message.size;
}
