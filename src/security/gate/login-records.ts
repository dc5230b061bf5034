// Writes login records in small batches (an attack must not become an fsync per attempt) and reads them back by page.
import type { LoginRecordRow, NewLoginRecord, Store } from '../../store/index.js';
import type { Protocol } from '../../shared-state/index.js';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';
import type { GeoIP } from './geoip.js';
import { NoGeoIP } from './geoip.js';

export type LoginResult = 'success' | 'failure';

/** Why an attempt ended as it did; stored in the record, never shown to an unverified client. */
export type LoginReason =
  | 'ok'
  | 'bad_credentials'
  | 'unknown_user'
  | 'service_closed'
  | 'account_disabled'
  | 'throttled'
  | 'otp_required'
  | 'otp_failed'
  | 'app_password_required'
  | 'app_password_scope'
  | 'must_change_password';

export interface LoginRecordInput {
  time: number;
  accountId: number | null;
  username: string;
  protocol: Protocol;
  ip: string;
  client: string;
  result: LoginResult;
  reason: LoginReason;
  /** 'passkey': a password-less web sign-in with a passkey. */
  credential: 'password' | 'app_password' | 'passkey' | null;
}

/** A login record as the account's owner and the admin see it: the stored row without the account it belongs to. */
export interface LoginRecordView extends Pick<LoginRecordRow, 'id' | 'time' | 'protocol' | 'ip' | 'client' | 'result' | 'reason' | 'credential'> {
  /** Where the sign-in came from ("City, Region, Country", "Local network", "Unknown"), resolved when it was written. */
  location: string;
}

export interface LoginRecordPage {
  records: LoginRecordView[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

const MAX_FIELD = 256;
const FLUSH_ROWS = 500;
const FLUSH_DELAY_MS = 50;

function clip(text: string): string {
  // Control characters from a client (IMAP ID, EHLO) never reach logs or pages as such; C1 too
  // (U+009B is an 8-bit CSI to many terminals, where `mailward user logins` prints these).
  return text.replace(/\p{Cc}/gu, '?').slice(0, MAX_FIELD);
}

function present(row: LoginRecordRow): LoginRecordView {
  return {
    id: row.id,
    time: row.time,
    protocol: row.protocol,
    ip: row.ip,
    client: row.client,
    result: row.result,
    reason: row.reason,
    credential: row.credential,
    location: row.location === '' ? 'Unknown' : row.location,
  };
}

export class LoginRecords {
  #buffer: NewLoginRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #onError: (error: unknown) => void;
  #geoip: GeoIP;

  constructor(
    private readonly store: Pick<Store, 'loginRecords'>,
    options: { onError?: (error: unknown) => void; geoip?: GeoIP } = {},
  ) {
    this.#onError = options.onError ?? (() => undefined);
    this.#geoip = options.geoip ?? new NoGeoIP();
  }

  /** Queues a record; it is written within FLUSH_DELAY_MS (or at once when the batch is full). */
  add(input: LoginRecordInput): void {
    this.#buffer.push({
      time: input.time,
      account_id: input.accountId,
      username: clip(input.username),
      protocol: input.protocol,
      ip: clip(input.ip),
      client: clip(input.client),
      result: input.result,
      reason: input.reason,
      credential: input.credential,
      // Resolved now, from the database in force now: a later database must not rewrite history.
      location: this.#geoip.locate(input.ip),
    });
    if (this.#buffer.length >= FLUSH_ROWS) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
      this.#timer.unref();
    }
  }

  /** Writes everything queued so far (one transaction per batch). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.loginRecords.insertMany(batch);
      } catch (error) {
        this.#onError(error);
      }
    });
    return this.#flushing;
  }

  async page(options: {
    accountId: number;
    result?: LoginResult;
    from?: number;
    to?: number;
    limit?: number;
    cursor?: string;
  }): Promise<LoginRecordPage> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = await this.store.loginRecords.page({
      accountId: options.accountId,
      limit: limit + 1,
      ...(options.result ? { result: options.result } : {}),
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.cursor ? { after: decodePageCursor(options.cursor, 'login records') } : {}),
    });
    const records = rows.slice(0, limit).map(present);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { records, nextCursor: encodePageCursor(last.time, last.id) } : { records };
  }

  /** Deletes records older than the retention, in batches so other writers are never stalled long. */
  async prune(options: { before: number; batch?: number }): Promise<number> {
    await this.flush();
    let total = 0;
    for (;;) {
      const n = await this.store.loginRecords.pruneBatch(options.before, options.batch ?? 5000);
      total += n;
      if (n === 0) return total;
    }
  }
}
