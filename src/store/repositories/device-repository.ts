// Devices (browsers and mail clients that signed in) and the server-side web sessions that belong to them.
import type { Kysely } from 'kysely';
import type { DeviceRow, Tables, WebSessionRow } from '../schema.js';

export interface DeviceSighting {
  accountId: number;
  kind: 'browser' | 'mail_client';
  keyHash: string;
  protocol: string;
  os: string;
  client: string;
  ip: string;
  location: string;
  now: number;
  /** The id for a device not seen before. */
  newId: string;
}

export interface NewWebSession {
  idHash: string;
  accountId: number;
  deviceId: string;
  now: number;
  /** When the session began; a rotated session keeps its predecessor's, so rotation never extends the lifetime. */
  createdAt?: number;
  authenticatedAt: number;
  ip: string;
}

export interface DeviceRepository {
  /** Records a sign-in of a device (created on first sight); `created` says whether it is new. */
  sighted(input: DeviceSighting): Promise<{ device: DeviceRow; created: boolean }>;
  find(accountId: number, deviceId: string): Promise<DeviceRow | undefined>;
  findByKey(accountId: number, keyHash: string): Promise<DeviceRow | undefined>;
  /** Newest login first. */
  listForAccount(accountId: number): Promise<DeviceRow[]>;
  setTrustedAt(accountId: number, deviceId: string, trustedAt: number | null): Promise<boolean>;
  /** Revokes every session of the device begun before `at`. */
  revokeSessions(accountId: number, deviceId: string, at: number): Promise<boolean>;

  createSession(input: NewWebSession): Promise<WebSessionRow>;
  findSession(idHash: string): Promise<WebSessionRow | undefined>;
  /** Moves last_active_at forward (never back), for the idle timeout. */
  touchSession(idHash: string, now: number): Promise<void>;
  /** Ends a live session; false when it had already ended. */
  endSession(idHash: string, options: { now: number; reason: string }): Promise<boolean>;
  /** Ends every live session of a device (or of the account when no device is named). */
  endSessions(accountId: number, options: { now: number; reason: string; deviceId?: string; exceptIdHash?: string }): Promise<number>;
  /** Live (not ended) sessions of an account. */
  liveSessions(accountId: number): Promise<WebSessionRow[]>;
  /** Deletes sessions that ended or went idle before `before` (housekeeping). */
  pruneSessions(before: number): Promise<number>;
}

export function createDeviceRepository(db: Kysely<Tables>): DeviceRepository {
  return {
    async sighted(input) {
      const seen = { last_login_at: input.now, last_ip: input.ip, last_location: input.location, os: input.os, client: input.client };
      const existing = await db
        .updateTable('devices')
        .set(seen)
        .where('account_id', '=', input.accountId)
        .where('key_hash', '=', input.keyHash)
        .returningAll()
        .executeTakeFirst();
      if (existing) return { device: existing, created: false };
      const device = await db
        .insertInto('devices')
        .values({
          id: input.newId,
          account_id: input.accountId,
          kind: input.kind,
          key_hash: input.keyHash,
          protocol: input.protocol,
          first_login_at: input.now,
          ...seen,
        })
        // Two first sign-ins of one device at once: the second one updates the row the first made.
        .onConflict((oc) => oc.columns(['account_id', 'key_hash']).doUpdateSet(seen))
        .returningAll()
        .executeTakeFirstOrThrow();
      return { device, created: device.id === input.newId };
    },
    find: (accountId, deviceId) =>
      db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('id', '=', deviceId).executeTakeFirst(),
    findByKey: (accountId, keyHash) =>
      db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('key_hash', '=', keyHash).executeTakeFirst(),
    listForAccount: (accountId) =>
      db.selectFrom('devices').selectAll().where('account_id', '=', accountId).orderBy('last_login_at', 'desc').orderBy('id').execute(),
    async setTrustedAt(accountId, deviceId, trustedAt) {
      const result = await db.updateTable('devices').set({ trusted_at: trustedAt }).where('account_id', '=', accountId).where('id', '=', deviceId).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async revokeSessions(accountId, deviceId, at) {
      const result = await db
        .updateTable('devices')
        .set({ sessions_valid_after: at })
        .where('account_id', '=', accountId)
        .where('id', '=', deviceId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    createSession: (input) =>
      db
        .insertInto('web_sessions')
        .values({
          id_hash: input.idHash,
          account_id: input.accountId,
          device_id: input.deviceId,
          created_at: input.createdAt ?? input.now,
          last_active_at: input.now,
          authenticated_at: input.authenticatedAt,
          ip: input.ip,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    findSession: (idHash) => db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst(),
    async touchSession(idHash, now) {
      await db.updateTable('web_sessions').set({ last_active_at: now }).where('id_hash', '=', idHash).where('last_active_at', '<', now).execute();
    },
    async endSession(idHash, { now, reason }) {
      const result = await db
        .updateTable('web_sessions')
        .set({ ended_at: now, end_reason: reason })
        .where('id_hash', '=', idHash)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async endSessions(accountId, { now, reason, deviceId, exceptIdHash }) {
      let query = db.updateTable('web_sessions').set({ ended_at: now, end_reason: reason }).where('account_id', '=', accountId).where('ended_at', 'is', null);
      if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
      if (exceptIdHash !== undefined) query = query.where('id_hash', '!=', exceptIdHash);
      return Number((await query.executeTakeFirst()).numUpdatedRows);
    },
    liveSessions: (accountId) =>
      db.selectFrom('web_sessions').selectAll().where('account_id', '=', accountId).where('ended_at', 'is', null).orderBy('created_at', 'desc').execute(),
    async pruneSessions(before) {
      const result = await db
        .deleteFrom('web_sessions')
        .where((eb) => eb.or([eb('ended_at', '<', before), eb('last_active_at', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
