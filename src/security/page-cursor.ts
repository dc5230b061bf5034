// The cursor of a newest-first page (login records, notifications): the time and id of the last row shown, opaque to the client.
import { MailwardError } from '../errors/index.js';

export function encodePageCursor(time: number, id: number): string {
  return Buffer.from(`${time}:${id}`).toString('base64url');
}

/** The row a cursor stands after; `what` names the list in the refusal of one that was not made here. */
export function decodePageCursor(cursor: string, what: string): { time: number; id: number } {
  const match = /^(\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new MailwardError('INVALID_INPUT', { message: `${what}: malformed cursor` });
  return { time: Number(match[1]), id: Number(match[2]) };
}
