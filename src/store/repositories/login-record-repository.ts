// Login records: every sign-in attempt on every protocol, paged newest first by (time, id).
import type { Kysely } from 'kysely';
import type { LoginRecordRow, NewLoginRecord, Tables } from '../schema.js';

export interface LoginRecordQuery {
  accountId: number;
  result?: 'success' | 'failure';
  /** Inclusive lower bound (ms). */
  from?: number;
  /** Exclusive upper bound (ms). */
  to?: number;
  limit: number;
  /** Continue after this (time, id) position, from the previous page. */
  after?: { time: number; id: number };
}

export interface MailClientRow {
  protocol: string;
  client: string;
  ip: string;
  location: string;
  lastSeenAt: number;
  logins: number;
}

export interface LoginRecordRepository {
  insertMany(rows: NewLoginRecord[]): Promise<void>;
  page(query: LoginRecordQuery): Promise<LoginRecordRow[]>;
  /** True when the account has a record with this result from this IP since `since` (and before `before`, when given). */
  hasFromIp(options: { accountId: number; ip: string; result: 'success' | 'failure'; since: number; before?: number }): Promise<boolean>;
  /** How many successful sign-ins of this protocol the account has had since `since` (at most `cap`). */
  countSuccesses(options: { accountId: number; protocol: string; since: number; cap: number }): Promise<number>;
  /** True when the account has a successful sign-in with this client name since `since`. */
  hasClient(options: { accountId: number; protocol: string; client: string; since: number }): Promise<boolean>;
  /**
   * The mail clients that signed in successfully with the account password since `since` and have
   * not used an app password since: one row per (protocol, client), newest first, with the IP and
   * location of the latest sign-in.
   */
  passwordClients(options: { accountId: number; protocols: string[]; since: number }): Promise<MailClientRow[]>;
  /** The distinct locations of the account's successful sign-ins in [since, before), at most `limit` (new-country alerts). */
  successLocations(options: { accountId: number; since: number; before: number; limit: number }): Promise<string[]>;
  /** Deletes up to `batch` records older than `before`; returns how many went. */
  pruneBatch(before: number, batch: number): Promise<number>;
}

export function createLoginRecordRepository(db: Kysely<Tables>): LoginRecordRepository {
  /** The account's successful sign-ins over one protocol since a time. */
  const successes = (accountId: number, protocol: string, since: number) =>
    db
      .selectFrom('login_records')
      .select('id')
      .where('account_id', '=', accountId)
      .where('result', '=', 'success')
      .where('protocol', '=', protocol)
      .where('time', '>=', since);
  return {
    async insertMany(rows) {
      if (rows.length > 0) await db.insertInto('login_records').values(rows).execute();
    },
    page(query) {
      let q = db.selectFrom('login_records').selectAll().where('account_id', '=', query.accountId);
      if (query.result) q = q.where('result', '=', query.result);
      if (query.from !== undefined) q = q.where('time', '>=', query.from);
      if (query.to !== undefined) q = q.where('time', '<', query.to);
      const after = query.after;
      if (after) {
        // A row comparison, so the index on (…, time, id) is entered at the cursor instead of scanned to it.
        q = q.where((eb) => eb(eb.refTuple('time', 'id'), '<', eb.tuple(after.time, after.id)));
      }
      return q.orderBy('time', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    },
    async hasFromIp({ accountId, ip, result, since, before }) {
      let q = db
        .selectFrom('login_records')
        .select('id')
        .where('account_id', '=', accountId)
        .where('ip', '=', ip)
        .where('result', '=', result)
        .where('time', '>=', since);
      if (before !== undefined) q = q.where('time', '<', before);
      const row = await q.limit(1).executeTakeFirst();
      return row !== undefined;
    },
    async countSuccesses({ accountId, protocol, since, cap }) {
      // Counted over at most `cap` rows: the question is only "have N sign-ins happened yet".
      const rows = await successes(accountId, protocol, since).limit(cap).execute();
      return rows.length;
    },
    async hasClient({ accountId, protocol, client, since }) {
      const row = await successes(accountId, protocol, since).where('client', '=', client).limit(1).executeTakeFirst();
      return row !== undefined;
    },
    async passwordClients({ accountId, protocols, since }) {
      if (protocols.length === 0) return [];
      const groups = await db
        .selectFrom('login_records')
        .select((eb) => ['protocol', 'client', eb.fn.max<number | string>('time').as('last'), eb.fn.countAll<number | string>().as('n')])
        .where('account_id', '=', accountId)
        .where('result', '=', 'success')
        .where('credential', '=', 'password')
        .where('protocol', 'in', protocols)
        .where('time', '>=', since)
        .groupBy(['protocol', 'client'])
        .orderBy('last', 'desc')
        .limit(100)
        .execute();
      const out: MailClientRow[] = [];
      // A handful of groups: one indexed lookup each for the latest successful sign-in of that client.
      for (const group of groups) {
        const latest = await db
          .selectFrom('login_records')
          .select(['ip', 'location', 'credential'])
          .where('account_id', '=', accountId)
          .where('protocol', '=', group.protocol)
          .where('client', '=', group.client)
          .where('result', '=', 'success')
          .where('time', '>=', since)
          .orderBy('time', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        // A client that has moved to an app password since needs nothing more.
        if (!latest || latest.credential !== 'password') continue;
        out.push({ protocol: group.protocol, client: group.client, ip: latest.ip, location: latest.location, lastSeenAt: Number(group.last), logins: Number(group.n) });
      }
      return out;
    },
    async successLocations({ accountId, since, before, limit }) {
      const rows = await db
        .selectFrom('login_records')
        .select('location')
        .distinct()
        .where('account_id', '=', accountId)
        .where('result', '=', 'success')
        .where('time', '>=', since)
        .where('time', '<', before)
        .limit(limit)
        .execute();
      return rows.map((r) => r.location);
    },
    async pruneBatch(before, batch) {
      const ids = db.selectFrom('login_records').select('id').where('time', '<', before).limit(batch);
      const result = await db.deleteFrom('login_records').where('id', 'in', ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
