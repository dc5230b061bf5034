// A POP3 session's view of INBOX: the messages present at login, numbered from 1, with deletion marks that only QUIT applies.
import type { Mailboxes } from '../../mailbox/index.js';

export interface MaildropMessage {
  uid: number;
  /** Octets as stored (CRLF line ends), which is what RETR sends before dot-stuffing (RFC 1939 §5 LIST). */
  size: number;
  deleted: boolean;
  /** RETR sent it whole: \Seen is set at QUIT (not at once, so a dropped session changes nothing). */
  retrieved: boolean;
  /** It had \Seen at login: QUIT need not set it again (repeat downloads with "keep" write nothing). */
  seenAtLogin: boolean;
}

/**
 * Message numbers are fixed for the session (RFC 1939 §5): messages that arrive meanwhile are not
 * shown, and messages another client (IMAP, webmail) expunges keep their number and answer -ERR
 * when read.
 */
export class Maildrop {
  readonly #messages: MaildropMessage[];

  private constructor(
    readonly mailboxId: number,
    readonly uidValidity: number,
    messages: MaildropMessage[],
  ) {
    this.#messages = messages;
  }

  static async open(mailboxes: Mailboxes, mailbox: { id: number; uid_validity: number }): Promise<Maildrop> {
    // One narrow read (UID, size, \Seen): no header or search text, whatever the maildrop's size.
    const rows = await mailboxes.maildrop(mailbox.id);
    const messages = rows.map((row) => ({ uid: row.uid, size: row.size, deleted: false, retrieved: false, seenAtLogin: row.seen === 1 }));
    return new Maildrop(mailbox.id, mailbox.uid_validity, messages);
  }

  get size(): number {
    return this.#messages.length;
  }

  /** The message with this number, deleted or not; undefined when out of range. */
  message(n: number): MaildropMessage | undefined {
    return this.#messages[n - 1];
  }

  /** [number, message] of every message not marked deleted, in order. */
  *visible(): Generator<[number, MaildropMessage]> {
    for (const [i, message] of this.#messages.entries()) if (!message.deleted) yield [i + 1, message];
  }

  /** STAT: messages not marked deleted and their octets. */
  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const [, message] of this.visible()) {
      count++;
      octets += message.size;
    }
    return { count, octets };
  }

  /**
   * RFC 1939 §7 unique-id: UIDVALIDITY.UID, the IMAP identity of the same message, so it is stable
   * across sessions and the same whichever protocol looks, with no state of our own to keep.
   */
  uniqueId(message: MaildropMessage): string {
    return `${this.uidValidity}.${message.uid}`;
  }

  /** RSET: unmarks everything. */
  undelete(): void {
    for (const message of this.#messages) message.deleted = false;
  }

  deletedUids(): number[] {
    return this.#messages.filter((m) => m.deleted).map((m) => m.uid);
  }

  /** Messages RETR sent whole that are kept and were not \Seen at login: QUIT marks them \Seen. */
  retrievedUids(): number[] {
    return this.#messages.filter((m) => m.retrieved && !m.deleted && !m.seenAtLogin).map((m) => m.uid);
  }
}
