// What the mail repository offers: its interface, the row shapes it reads (flags, FETCH and list rows) and the column lists behind them.
import type { MailboxChangeRow, MailboxRow, MessageRow, NewMessageRow } from '../schema.js';

export type NewMessage = Omit<NewMessageRow, 'mailbox_id' | 'uid' | 'modseq' | 'account_id' | 'id' | 'created_at'>;

export interface MailRepository {
  /** Creates the mailbox if absent (same name → the existing one); returns it. */
  ensureMailbox(input: { accountId: number; name: string; specialUse: string | null; now: number }): Promise<MailboxRow>;
  createMailbox(input: { accountId: number; name: string; specialUse: string | null; now: number }): Promise<MailboxRow>;
  findMailbox(accountId: number, name: string): Promise<MailboxRow | undefined>;
  findMailboxById(id: number): Promise<MailboxRow | undefined>;
  listMailboxes(accountId: number): Promise<MailboxRow[]>;
  /**
   * Appends a message: bumps uid_next and highest_modseq with one UPDATE … RETURNING (the row lock
   * orders concurrent appenders), inserts the message and its journal entry. Call inside a transaction.
   */
  appendMessage(mailboxId: number, message: NewMessage, now: number): Promise<{ uid: number; modseq: number; id: number }>;
  messageCount(mailboxId: number): Promise<number>;
  listMessages(mailboxId: number, options?: { afterUid?: number; limit?: number }): Promise<MessageRow[]>;
  findMessage(mailboxId: number, uid: number): Promise<MessageRow | undefined>;
  changesSince(mailboxId: number, modseq: number, limit: number): Promise<MailboxChangeRow[]>;
  /** How many messages (in any mailbox) still use a blob, so it is deleted only when unused. */
  blobReferences(blobId: string): Promise<number>;

  // ---- Mailbox management and message changes (IMAP, POP3, webmail). Writers: call inside a transaction.

  /** The flag columns of every message, by UID: what a session needs to SELECT (no bodies, no structure). */
  listMessageFlags(mailboxId: number): Promise<MessageFlagsRow[]>;
  /** Full rows for these UIDs, in UID order; UIDs that do not exist (any more) are left out. */
  findMessagesByUids(mailboxId: number, uids: readonly number[]): Promise<MessageRow[]>;
  /** Like findMessagesByUids without the search text (FETCH, SEARCH on indexed fields): a 10,000-message FETCH reads no index text. */
  findMessageMetaByUids(mailboxId: number, uids: readonly number[]): Promise<MessageMetaRow[]>;
  /** Only what FETCH of flags, sizes and dates reads (no header text, no structure): the narrowest row. */
  findMessageFetchRows(mailboxId: number, uids: readonly number[]): Promise<MessageFetchRow[]>;
  /** Every UID of a mailbox in order, from the (mailbox_id, uid) index alone: what SELECT numbers messages by. */
  listUids(mailboxId: number): Promise<number[]>;
  /** The lowest UID without \Seen, or null (SELECT's UNSEEN). */
  firstUnseenUid(mailboxId: number): Promise<number | null>;
  /** The distinct keyword lists in use (SELECT's FLAGS), at most `limit` of them. */
  keywordSets(mailboxId: number, limit: number): Promise<string[]>;
  /** Flags of the messages changed after `modseq` (QRESYNC SELECT), from the MODSEQ index. */
  listFlagsChangedSince(mailboxId: number, modseq: number): Promise<MessageFlagsRow[]>;
  /** The cached MIME structure (JSON) of these messages, for the few a FETCH needs it of. */
  findMessageStructures(mailboxId: number, uids: readonly number[]): Promise<Array<{ uid: number; structure: string }>>;
  /** Allocates one MODSEQ for a change (flags, expunge): `highest_modseq + 1`, row-locked. */
  nextModseq(mailboxId: number): Promise<number>;
  /** UID, size and \Seen of every message of a mailbox, in UID order (a POP3 maildrop at login). */
  listMessageSizes(mailboxId: number): Promise<Array<{ uid: number; size: number; seen: number }>>;
  /** The flag columns and MODSEQ of these messages, in UID order (what a STORE or QUIT changes; no header text, no body). */
  findMessageFlagsByUids(mailboxId: number, uids: readonly number[]): Promise<MessageFlagsRow[]>;
  /**
   * Writes new flag columns for many messages at one `modseq` and journals each: one UPDATE per
   * distinct set of flags (per slice of UIDs) and multi-row journal inserts, not a statement per message.
   */
  setFlagsOfMessages(mailboxId: number, changes: ReadonlyArray<{ uid: number; flags: FlagColumns }>, modseq: number, now: number): Promise<void>;
  /** Deletes these messages and journals an expunge each at `modseq`; returns the blobs they used. */
  deleteMessages(mailboxId: number, uids: readonly number[], modseq: number, now: number): Promise<string[]>;
  /**
   * Copies messages (same blob, same flags) into another mailbox with new consecutive UIDs from one
   * `uid_next` bump; returns [source uid, new uid] pairs in source UID order.
   */
  copyMessages(fromMailboxId: number, uids: readonly number[], toMailboxId: number, now: number): Promise<Array<[number, number]>>;
  renameMailbox(mailboxId: number, name: string): Promise<void>;
  deleteMailbox(mailboxId: number): Promise<void>;
  /**
   * Marks every message up to uid_next as no longer \Recent; returns the UIDs [from, to) that were
   * still recent and are now the caller's alone (a message appended since has a UID of `to` or above).
   */
  takeRecent(mailboxId: number): Promise<{ from: number; to: number }>;
  /** Counts for STATUS: messages, unseen, deleted, total size. */
  mailboxCounts(mailboxId: number): Promise<{ messages: number; unseen: number; deleted: number; size: number; recent: number }>;
  /** Bytes and messages an account stores (QUOTA). */
  accountUsage(accountId: number): Promise<{ messages: number; size: number }>;
  /** UIDs expunged after `modseq` (QRESYNC VANISHED (EARLIER)). */
  expungedSince(mailboxId: number, modseq: number): Promise<number[]>;
  /**
   * One page of a mailbox in a sort order, after a keyset position (webmail lists): only the
   * page's rows are read, walking the (mailbox_id, internal_date) index for the date order.
   */
  pageMessages(mailboxId: number, options: MessagePageOptions): Promise<MessageMetaRow[]>;
}

export type MessageSortKey = 'date' | 'from' | 'subject';

export interface MessagePageOptions {
  sort: MessageSortKey;
  order: 'asc' | 'desc';
  limit: number;
  /** Only unread (\Seen unset) or only flagged messages. */
  filter?: 'unread' | 'flagged';
  /** The last row of the previous page: its sort value and UID (the tie-breaker). */
  after?: { key: number | string; uid: number };
}

/** The column each webmail sort order reads. */
export const SORT_COLUMNS = { date: 'internal_date', from: 'from_text', subject: 'subject' } as const satisfies Record<MessageSortKey, keyof MessageRow>;

export interface FlagColumns {
  seen: number;
  answered: number;
  flagged: number;
  deleted: number;
  draft: number;
  keywords: string;
}

export type MessageFlagsRow = FlagColumns & { uid: number; modseq: number };

/**
 * What FETCH and most SEARCH keys read. SQLite stores a row's columns in order and the search text
 * (kilobytes, often on overflow pages) sits before the last ones: a column past it costs a walk
 * over those pages, so none is read here.
 */
export type MessageMetaRow = Pick<
  MessageRow,
  'uid' | 'modseq' | 'blob_id' | 'size' | 'internal_date' | 'seen' | 'answered' | 'flagged' | 'deleted' | 'draft' | 'keywords' | 'subject' | 'from_text' | 'to_text' | 'cc_text' | 'message_id' | 'sent_date' | 'structure'
>;

/** A message's flags and MODSEQ: what STORE and POP3's QUIT read and write. */
export const FLAG_ROW_COLUMNS = ['uid', 'modseq', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'] as const satisfies ReadonlyArray<keyof MessageRow>;

export const FETCH_COLUMNS = ['uid', 'modseq', 'blob_id', 'size', 'internal_date', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'] as const satisfies ReadonlyArray<keyof MessageRow>;

export type MessageFetchRow = Pick<MessageRow, (typeof FETCH_COLUMNS)[number]>;

export const META_COLUMNS = [
  'uid',
  'modseq',
  'blob_id',
  'size',
  'internal_date',
  'seen',
  'answered',
  'flagged',
  'deleted',
  'draft',
  'keywords',
  'subject',
  'from_text',
  'to_text',
  'cc_text',
  'message_id',
  'sent_date',
  'structure',
] as const satisfies ReadonlyArray<keyof MessageMetaRow>;
