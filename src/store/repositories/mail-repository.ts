// Mailboxes, messages and the change journal; UIDs and MODSEQs are allocated inside the writing transaction.
import type { Kysely } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { SqliteReader } from '../dialects/sqlite/sqlite-reader.js';
import type { MessageRow, Tables } from '../schema.js';
import type { FlagColumns, MailRepository, MessageMetaRow } from './mail-repository-types.js';
import { FETCH_COLUMNS, FLAG_ROW_COLUMNS, META_COLUMNS, SORT_COLUMNS } from './mail-repository-types.js';
import { countRows } from './count-rows.js';
import { copyRenderings, deleteRenderings } from './rendering-repository.js';
import { writeUnique } from './write-unique.js';

export * from './mail-repository-types.js';

/**
 * Runs `query` per slice of the sorted UIDs: a run of consecutive UIDs (FETCH 1:*) as a range scan,
 * anything else as an IN list.
 */
async function byUidSlices<R>(uids: readonly number[], query: (where: { range: [number, number] } | { list: number[] }) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const slice of chunks([...uids].sort((a, b) => a - b))) {
    const first = slice[0]!;
    const last = slice[slice.length - 1]!;
    out.push(...(await query(last - first + 1 === slice.length ? { range: [first, last] } : { list: slice })));
  }
  return out;
}

/** SQLite limits host parameters per statement; long UID lists go in slices. */
const IN_CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

/**
 * `reader`: a connection off the event loop for the bulk reads that need no transaction (SQLite
 * with a file); absent inside a transaction, where every statement must see the transaction's own
 * writes.
 */
export function createMailRepository(db: Kysely<Tables>, traits: DialectTraits, reader?: SqliteReader): MailRepository {
  /**
   * These columns of the messages the UIDs name, in UID order. `offLoop`: on the reader when there
   * is one (a bulk read that needs no transaction).
   */
  function selectByUids<C extends keyof MessageRow & string>(mailboxId: number, uids: readonly number[], columns: readonly C[], options: { offLoop?: boolean } = {}): Promise<Array<Pick<MessageRow, C>>> {
    return byUidSlices(uids, async (where) => {
      if (reader && options.offLoop) return (await reader.messages(mailboxId, columns, where)) as Array<Pick<MessageRow, C>>;
      const query = db.selectFrom('messages').select(columns).where('mailbox_id', '=', mailboxId);
      const rows = await ('range' in where ? query.where('uid', '>=', where.range[0]).where('uid', '<=', where.range[1]) : query.where('uid', 'in', where.list)).orderBy('uid').execute();
      return rows as unknown as Array<Pick<MessageRow, C>>;
    });
  }

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
      // RFC 3501 §2.3.1.1: a recreated name must not reuse an old UIDVALIDITY. Seconds since the
      // epoch, above every value the account ever gave (deleted mailboxes' too, kept apart), keep
      // it strictly increasing per account even for two creations in one second.
      const latest = await db.selectFrom('mailbox_uid_validity').select('last_uid_validity').where('account_id', '=', accountId).executeTakeFirst();
      const existing = await db.selectFrom('mailboxes').select((eb) => eb.fn.max('uid_validity').as('max')).where('account_id', '=', accountId).executeTakeFirst();
      const uidValidity = Math.max(Math.floor(now / 1000), Number(latest?.last_uid_validity ?? 0) + 1, Number(existing?.max ?? 0) + 1);
      return writeUnique(traits, `mailbox ${name} already exists`, async () => {
        const created = await db
          .insertInto('mailboxes')
          .values({ account_id: accountId, name, special_use: specialUse, uid_validity: uidValidity, created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await db
          .insertInto('mailbox_uid_validity')
          .values({ account_id: accountId, last_uid_validity: uidValidity })
          .onConflict((oc) => oc.column('account_id').doUpdateSet({ last_uid_validity: uidValidity }))
          .execute();
        return created;
      });
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
    messageCount: (mailboxId) => countRows(db.selectFrom('messages').where('mailbox_id', '=', mailboxId)),
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
    blobReferences: (blobId) => countRows(db.selectFrom('messages').where('blob_id', '=', blobId)),
    listMessageFlags: (mailboxId) =>
      db
        .selectFrom('messages')
        .select(['uid', 'modseq', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'])
        .where('mailbox_id', '=', mailboxId)
        .orderBy('uid')
        .execute(),
    async findMessagesByUids(mailboxId, uids) {
      const out: MessageRow[] = [];
      for (const slice of chunks([...uids].sort((a, b) => a - b))) {
        out.push(...(await db.selectFrom('messages').selectAll().where('mailbox_id', '=', mailboxId).where('uid', 'in', slice).orderBy('uid').execute()));
      }
      return out;
    },
    findMessageMetaByUids: (mailboxId, uids) => selectByUids(mailboxId, uids, META_COLUMNS),
    findMessageFetchRows: (mailboxId, uids) => selectByUids(mailboxId, uids, FETCH_COLUMNS, { offLoop: true }),
    async listUids(mailboxId) {
      if (reader) return reader.uids(mailboxId);
      const rows = await db.selectFrom('messages').select('uid').where('mailbox_id', '=', mailboxId).orderBy('uid').execute();
      return rows.map((r) => r.uid);
    },
    async firstUnseenUid(mailboxId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.min<number>('uid').as('uid'))
        .where('mailbox_id', '=', mailboxId)
        .where('seen', '=', 0)
        .executeTakeFirst();
      return row?.uid === null || row?.uid === undefined ? null : Number(row.uid);
    },
    async keywordSets(mailboxId, limit) {
      const rows = await db.selectFrom('messages').select('keywords').distinct().where('mailbox_id', '=', mailboxId).where('keywords', '<>', '').limit(limit).execute();
      return rows.map((r) => r.keywords);
    },
    listFlagsChangedSince: (mailboxId, modseq) =>
      db
        .selectFrom('messages')
        .select(['uid', 'modseq', 'seen', 'answered', 'flagged', 'deleted', 'draft', 'keywords'])
        .where('mailbox_id', '=', mailboxId)
        .where('modseq', '>', modseq)
        .orderBy('uid')
        .execute(),
    findMessageStructures: (mailboxId, uids) => selectByUids(mailboxId, uids, ['uid', 'structure'] as const),
    async nextModseq(mailboxId) {
      const row = await db
        .updateTable('mailboxes')
        .set((eb) => ({ highest_modseq: eb('highest_modseq', '+', 1) }))
        .where('id', '=', mailboxId)
        .returning('highest_modseq')
        .executeTakeFirst();
      if (!row) throw new MailwardError('NOT_FOUND', { message: `mailbox ${mailboxId} does not exist` });
      return Number(row.highest_modseq);
    },
    listMessageSizes: (mailboxId) => db.selectFrom('messages').select(['uid', 'size', 'seen']).where('mailbox_id', '=', mailboxId).orderBy('uid').execute(),
    findMessageFlagsByUids: (mailboxId, uids) => selectByUids(mailboxId, uids, FLAG_ROW_COLUMNS),
    async setFlagsOfMessages(mailboxId, changes, modseq, now) {
      // Only the flag columns: a row copied whole would rewrite its header and search text too.
      const groups = new Map<string, { flags: FlagColumns; uids: number[] }>();
      for (const { uid, flags } of changes) {
        const columns: FlagColumns = { seen: flags.seen, answered: flags.answered, flagged: flags.flagged, deleted: flags.deleted, draft: flags.draft, keywords: flags.keywords };
        const key = JSON.stringify(columns);
        const group = groups.get(key) ?? { flags: columns, uids: [] };
        group.uids.push(uid);
        groups.set(key, group);
      }
      for (const { flags, uids } of groups.values()) {
        for (const slice of chunks(uids)) await db.updateTable('messages').set({ ...flags, modseq }).where('mailbox_id', '=', mailboxId).where('uid', 'in', slice).execute();
      }
      for (const slice of chunks(changes.map((c) => c.uid))) {
        await db
          .insertInto('mailbox_changes')
          .values(slice.map((uid) => ({ mailbox_id: mailboxId, modseq, uid, kind: 'flags' as const, at: now })))
          .execute();
      }
    },
    async deleteMessages(mailboxId, uids, modseq, now) {
      const blobs: string[] = [];
      for (const slice of chunks(uids)) {
        const rows = await db.deleteFrom('messages').where('mailbox_id', '=', mailboxId).where('uid', 'in', slice).returning(['uid', 'blob_id']).execute();
        if (rows.length === 0) continue;
        blobs.push(...rows.map((r) => r.blob_id));
        await deleteRenderings(db, mailboxId, slice);
        await db
          .insertInto('mailbox_changes')
          .values(rows.map((r) => ({ mailbox_id: mailboxId, modseq, uid: r.uid, kind: 'expunge', at: now })))
          .execute();
      }
      return [...new Set(blobs)];
    },
    async copyMessages(fromMailboxId, uids, toMailboxId, now) {
      const sources = await repo.findMessagesByUids(fromMailboxId, uids);
      if (sources.length === 0) return [];
      const target = await db
        .updateTable('mailboxes')
        .set((eb) => ({ uid_next: eb('uid_next', '+', sources.length), highest_modseq: eb('highest_modseq', '+', 1) }))
        .where('id', '=', toMailboxId)
        .returning(['uid_next', 'highest_modseq', 'account_id'])
        .executeTakeFirst();
      if (!target) throw new MailwardError('NOT_FOUND', { message: `mailbox ${toMailboxId} does not exist` });
      const first = Number(target.uid_next) - sources.length;
      const modseq = Number(target.highest_modseq);
      const pairs: Array<[number, number]> = [];
      for (const [i, source] of sources.entries()) {
        const { id: _id, mailbox_id: _m, uid, modseq: _s, account_id: _a, created_at: _c, ...rest } = source;
        const newUid = first + i;
        pairs.push([uid, newUid]);
        await db
          .insertInto('messages')
          .values({ ...rest, mailbox_id: toMailboxId, account_id: target.account_id, uid: newUid, modseq, created_at: now })
          .execute();
      }
      await copyRenderings(db, fromMailboxId, toMailboxId, pairs);
      for (const slice of chunks(pairs)) {
        await db
          .insertInto('mailbox_changes')
          .values(slice.map(([, uid]) => ({ mailbox_id: toMailboxId, modseq, uid, kind: 'append', at: now })))
          .execute();
      }
      return pairs;
    },
    async renameMailbox(mailboxId, name) {
      await writeUnique(traits, `mailbox ${name} already exists`, () => db.updateTable('mailboxes').set({ name }).where('id', '=', mailboxId).execute());
    },
    async deleteMailbox(mailboxId) {
      // Children rows first: SQLite enforces the cascade only with foreign keys on, so say it plainly.
      await db.deleteFrom('mailbox_changes').where('mailbox_id', '=', mailboxId).execute();
      await deleteRenderings(db, mailboxId);
      await db.deleteFrom('messages').where('mailbox_id', '=', mailboxId).execute();
      await db.deleteFrom('mailboxes').where('id', '=', mailboxId).execute();
    },
    async takeRecent(mailboxId) {
      // An UPDATE that changes nothing reads the row under its lock: two sessions cannot take the same range.
      const before = await db
        .updateTable('mailboxes')
        .set((eb) => ({ first_recent_uid: eb.ref('first_recent_uid') }))
        .where('id', '=', mailboxId)
        .returning(['first_recent_uid', 'uid_next'])
        .executeTakeFirst();
      if (!before) throw new MailwardError('NOT_FOUND', { message: `mailbox ${mailboxId} does not exist` });
      const range = { from: Number(before.first_recent_uid), to: Number(before.uid_next) };
      if (range.from < range.to) await db.updateTable('mailboxes').set({ first_recent_uid: range.to }).where('id', '=', mailboxId).execute();
      return range;
    },
    async mailboxCounts(mailboxId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => [
          eb.fn.countAll<number>().as('messages'),
          eb.fn.sum<number>(eb.case().when('seen', '=', 0).then(1).else(0).end()).as('unseen'),
          eb.fn.sum<number>('deleted').as('deleted'),
          eb.fn.sum<number>('size').as('size'),
        ])
        .where('mailbox_id', '=', mailboxId)
        .executeTakeFirstOrThrow();
      const mailbox = await db.selectFrom('mailboxes').select('first_recent_uid').where('id', '=', mailboxId).executeTakeFirst();
      const recent = await countRows(
        db
          .selectFrom('messages')
          .where('mailbox_id', '=', mailboxId)
          .where('uid', '>=', Number(mailbox?.first_recent_uid ?? Number.MAX_SAFE_INTEGER)),
      );
      return {
        messages: Number(row.messages),
        unseen: Number(row.unseen ?? 0),
        deleted: Number(row.deleted ?? 0),
        size: Number(row.size ?? 0),
        recent,
      };
    },
    async accountUsage(accountId) {
      const row = await db
        .selectFrom('messages')
        .select((eb) => [eb.fn.countAll<number>().as('messages'), eb.fn.sum<number>('size').as('size')])
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return { messages: Number(row.messages), size: Number(row.size ?? 0) };
    },
    async expungedSince(mailboxId, modseq) {
      const rows = await db
        .selectFrom('mailbox_changes')
        .select('uid')
        .where('mailbox_id', '=', mailboxId)
        .where('kind', '=', 'expunge')
        .where('modseq', '>', modseq)
        .orderBy('uid')
        .execute();
      return [...new Set(rows.map((r) => Number(r.uid)))];
    },
    async pageMessages(mailboxId, options) {
      const column = SORT_COLUMNS[options.sort];
      const direction = options.order;
      const before = direction === 'desc' ? '<' : '>';
      let query = db.selectFrom('messages').select(META_COLUMNS).where('mailbox_id', '=', mailboxId);
      if (options.filter === 'unread') query = query.where('seen', '=', 0);
      if (options.filter === 'flagged') query = query.where('flagged', '=', 1);
      const after = options.after;
      if (after) {
        // A row-value comparison: both SQLite and PostgreSQL turn it into a range of the (mailbox_id, column, uid) index.
        query = query.where((eb) => eb(eb.refTuple(column, 'uid'), before, eb.tuple(after.key as never, after.uid)));
      }
      return (await query.orderBy(column, direction).orderBy('uid', direction).limit(options.limit).execute()) as MessageMetaRow[];
    },
  };
  return repo;
}
