// Mailboxes, messages and the change journal; UIDs and MODSEQs are allocated inside the writing transaction.
import type { Kysely } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { MailboxChangeRow, MailboxRow, MessageRow, NewMessageRow, Tables } from '../schema.js';

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
}

export function createMailRepository(db: Kysely<Tables>, traits: DialectTraits): MailRepository {
  const repo: MailRepository = {
    async ensureMailbox(input) {
      const existing = await repo.findMailbox(input.accountId, input.name);
      if (existing) return existing;
      try {
        return await repo.createMailbox(input);
      } catch (error) {
        // Another writer created it between the read and the insert.
        if (error instanceof MailwardError && error.code === 'EXISTS') {
          const row = await repo.findMailbox(input.accountId, input.name);
          if (row) return row;
        }
        throw error;
      }
    },
    async createMailbox({ accountId, name, specialUse, now }) {
      // RFC 3501: a recreated name must not reuse an old UIDVALIDITY; seconds since epoch plus a
      // guard against two creations in one second keep it strictly increasing per account.
      const latest = await db
        .selectFrom('mailboxes')
        .select((eb) => eb.fn.max('uid_validity').as('max'))
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      const uidValidity = Math.max(Math.floor(now / 1000), Number(latest?.max ?? 0) + 1);
      try {
        return await db
          .insertInto('mailboxes')
          .values({ account_id: accountId, name, special_use: specialUse, uid_validity: uidValidity, created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (error) {
        if (traits.isUniqueViolation(error)) throw new MailwardError('EXISTS', { message: `mailbox ${name} already exists` });
        throw error;
      }
    },
    findMailbox: (accountId, name) =>
      db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst(),
    findMailboxById: (id) => db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst(),
    listMailboxes: (accountId) => db.selectFrom('mailboxes').selectAll().where('account_id', '=', accountId).orderBy('name').execute(),
    async appendMessage(mailboxId, message, now) {
      const mailbox = await db
        .updateTable('mailboxes')
        .set((eb) => ({ uid_next: eb('uid_next', '+', 1), highest_modseq: eb('highest_modseq', '+', 1) }))
        .where('id', '=', mailboxId)
        .returning(['uid_next', 'highest_modseq', 'account_id'])
        .executeTakeFirst();
      if (!mailbox) throw new MailwardError('NOT_FOUND', { message: `mailbox ${mailboxId} does not exist` });
      const uid = Number(mailbox.uid_next) - 1;
      const modseq = Number(mailbox.highest_modseq);
      const row = await db
        .insertInto('messages')
        .values({ ...message, mailbox_id: mailboxId, account_id: mailbox.account_id, uid, modseq, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('mailbox_changes').values({ mailbox_id: mailboxId, modseq, uid, kind: 'append', at: now }).execute();
      return { uid, modseq, id: row.id };
    },
    async messageCount(mailboxId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('mailbox_id', '=', mailboxId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    listMessages(mailboxId, options = {}) {
      let q = db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId);
      if (options.afterUid !== undefined) q = q.where('uid', '>', options.afterUid);
      q = q.orderBy('uid');
      if (options.limit !== undefined) q = q.limit(options.limit);
      return q.execute();
    },
    findMessage: (mailboxId, uid) =>
      db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId).where('uid', '=', uid).executeTakeFirst(),
    changesSince: (mailboxId, modseq, limit) =>
      db
        .selectFrom('mailbox_changes')
        .selectAll()
        .where('mailbox_id', '=', mailboxId)
        .where('modseq', '>', modseq)
        .orderBy('modseq')
        .limit(limit)
        .execute(),
    async blobReferences(blobId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('blob_id', '=', blobId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
  return repo;
}
