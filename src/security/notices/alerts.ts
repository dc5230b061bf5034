// Security alerts delivered: each alerting event becomes an in-app notification and a mail to the INBOX and the verified alternate email, once per event and at most hourly per kind and device.
import { randomUUID } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { EventBus, MailwardEvent, MailwardEventType } from '../../shared-state/index.js';
import type { Account } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import type { NotificationRow, Store } from '../../store/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AlternateEmail } from '../recovery/alternate-email.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import type { GeoIP } from '../gate/geoip.js';
import type { LoginRecords } from '../gate/login-records.js';
import { utcTime } from '../recovery/recovery-tokens.js';
import type { AlertKind } from './alert-kinds.js';
import { ALERT_KINDS, CRITICAL_ALERTS, clean, describeAlert, isAlertKind } from './alert-kinds.js';
import type { SecurityMailer } from '../../kernel/security-mailer.js';
import { decodePageCursor, encodePageCursor } from '../page-cursor.js';

/** At most one alert of a kind per device (or IP, or account) per this window; across nodes, through the shared state store. */
export const ALERT_RATE_MS = 3600_000;
/** How long an event is remembered as handled, so an event delivered twice (or to two nodes) alerts once. */
export const ALERT_DEDUPE_MS = 24 * 3600_000;

const ALERT_EVENTS: MailwardEventType[] = [
  'LoginSucceeded',
  'LoginFailureBurst',
  'PasswordChanged',
  'SecurityCodeChanged',
  'TwoFactorDisabled',
  'BackupCodeUsed',
  'BackupCodesRegenerated',
  'BackupCodesAging',
  'AppPasswordCreated',
  'AccountDisabled',
  'DeviceLoggedOut',
  'AlternateEmailChanged',
];

export interface AlertsDeps {
  store: Pick<Store, 'accounts' | 'notifications' | 'loginRecords' | 'devices' | 'state'>;
  alternateEmail: Pick<AlternateEmail, 'verifiedAddress'>;
  /** Queued login records are written before earlier countries are read. */
  loginRecords: Pick<LoginRecords, 'flush'>;
  mailer: SecurityMailer;
  events: EventBus;
  audit: AuditLog;
  /** Places a sign-in whose event carries no location. */
  geoip?: GeoIP;
  now: () => number;
  /** Where a failed handler or mail goes: handlers never throw into the bus. */
  onError?: (error: unknown) => void;
}

export type AlertOutcome = 'sent' | 'ignored' | 'switched_off' | 'duplicate' | 'rate_limited';

export interface AlertPreference {
  kind: AlertKind;
  enabled: boolean;
  /** Critical alerts are always on. */
  critical: boolean;
}

export interface NotificationView {
  id: number;
  kind: string;
  title: string;
  body: string;
  createdAt: number;
  readAt: number | null;
  details: Record<string, unknown>;
}

export interface NotificationPage {
  notifications: NotificationView[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

function present(row: NotificationRow): NotificationView {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    // A row written by hand; the title and body still say what happened.
  }
  return { id: row.id, kind: row.kind, title: row.title, body: row.body, createdAt: row.created_at, readAt: row.read_at, details };
}

export class Alerts {
  readonly #inFlight = new Set<Promise<void>>();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: AlertsDeps) {}

  /** Subscribes to the event bus: serve once, and every CLI command for the events it raises itself. */
  start(): void {
    if (this.#unsubscribe) return;
    // Local only: with several server processes every one hears every event, but one alert must go.
    this.#unsubscribe = this.deps.events.subscribe((event) => this.#track(this.handle(event)), { types: ALERT_EVENTS, origin: 'local' });
  }

  /** Unsubscribes and waits for alerts being sent. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.idle();
  }

  /** Resolves when every alert started so far is written and mailed. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * One event: a notification row and mails, unless the kind is switched off, the event was
   * handled already (another node, a redelivery) or the kind already alerted for this device
   * within the hour. The event is only a doorbell: everything said is read from it and the store.
   */
  async handle(event: MailwardEvent): Promise<AlertOutcome> {
    if (!('accountId' in event) || event.accountId === null) return 'ignored';
    const alert = await describeAlert(event, this.deps);
    if (!alert) return 'ignored';
    const account = await accountRecords(this.deps.store).findById(event.accountId);
    if (!account) return 'ignored';
    const critical = CRITICAL_ALERTS.has(alert.kind);
    if (!critical && !(await this.#enabled(account.id, alert.kind))) return 'switched_off';
    const now = this.deps.now();
    if (!(await this.#claim(`alerts:event:${account.id}:${event.type}:${event.at}:${alert.subject}`, now, ALERT_DEDUPE_MS))) return 'duplicate';
    if (!critical && !(await this.#claim(`alerts:rate:${account.id}:${alert.kind}:${alert.subject}`, now, ALERT_RATE_MS))) return 'rate_limited';

    await this.deps.store.notifications.insert({
      account_id: account.id,
      kind: alert.kind,
      title: alert.title,
      body: alert.body,
      details: JSON.stringify(alert.details),
      created_at: event.at,
    });
    const alternate = await this.deps.alternateEmail.verifiedAddress(account.id);
    const recipients = [...new Set([account.address, ...(alternate ? [alternate] : []), ...(alert.also ?? [])].map((a) => a.toLowerCase()))];
    const text = [
      alert.body,
      '',
      `Time: ${utcTime(event.at)}`,
      '',
      '-- ',
      `Security notice for ${account.address}.`,
      critical
        ? 'Notices of this kind cannot be turned off.'
        : 'You can turn notices of this kind off under Personal Settings > Mailbox Security.',
      '',
    ].join('\n');
    for (const to of recipients) {
      try {
        await this.deps.mailer.send({ to, subject: `Security alert: ${alert.title}`, text });
      } catch (error) {
        // One unreachable address must not keep the notice from the others.
        this.deps.onError?.(error);
      }
    }
    return 'sent';
  }

  async preferences(accountId: number): Promise<AlertPreference[]> {
    const rows = await this.deps.store.notifications.preferences(accountId);
    const off = new Set(rows.filter((r) => r.enabled === 0).map((r) => r.kind));
    return ALERT_KINDS.map((kind) => {
      const critical = CRITICAL_ALERTS.has(kind);
      return { kind, critical, enabled: critical || !off.has(kind) };
    });
  }

  /** Switches a kind of alert on or off for the account; FORBIDDEN for a critical kind. */
  async setPreference(options: { account: Account; kind: string; enabled: boolean; by: Actor }): Promise<AlertPreference[]> {
    const { account, kind, enabled, by } = options;
    if (!isAlertKind(kind)) throw new MailwardError('INVALID_INPUT', { message: `alerts: unknown kind ${clean(kind, 40)}` });
    if (CRITICAL_ALERTS.has(kind) && !enabled) throw new MailwardError('FORBIDDEN', { message: 'alerts: this security notice cannot be turned off' });
    await this.deps.store.notifications.setPreference(account.id, { kind, enabled, now: this.deps.now() });
    await this.deps.audit.append({ actor: by.actor, action: 'alerts.changed', account, ip: by.ip, details: { kind, enabled } });
    return this.preferences(account.id);
  }

  /** The account's notifications, newest first. */
  async notifications(options: { accountId: number; limit?: number; cursor?: string; unreadOnly?: boolean }): Promise<NotificationPage> {
    const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
    const rows = await this.deps.store.notifications.page({
      accountId: options.accountId,
      limit: limit + 1,
      ...(options.cursor ? { after: decodePageCursor(options.cursor, 'notifications') } : {}),
      ...(options.unreadOnly ? { unreadOnly: true } : {}),
    });
    const notifications = rows.slice(0, limit).map(present);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { notifications, nextCursor: encodePageCursor(last.created_at, last.id) } : { notifications };
  }

  unreadCount(accountId: number): Promise<number> {
    return this.deps.store.notifications.unreadCount(accountId);
  }

  /** Marks these notifications of the account read (all unread ones without `ids`); returns how many changed. */
  markRead(options: { accountId: number; ids?: readonly number[] }): Promise<number> {
    return this.deps.store.notifications.markRead(options.accountId, { ...(options.ids !== undefined ? { ids: options.ids } : {}), now: this.deps.now() });
  }

  async #enabled(accountId: number, kind: AlertKind): Promise<boolean> {
    const rows = await this.deps.store.notifications.preferences(accountId);
    return rows.find((r) => r.kind === kind)?.enabled !== 0;
  }

  /**
   * Takes a key in the shared state store if nobody holds it: an atomic update that keeps a
   * holder's value, so of two nodes handling the same event only the one whose nonce was written sends.
   */
  async #claim(key: string, now: number, ttlMs: number): Promise<boolean> {
    const nonce = randomUUID();
    const held = await this.deps.store.state.update<{ nonce: string; until: number }>(key, now, (current) =>
      current ? { value: current, ttlMs: Math.max(1, current.until - now) } : { value: { nonce, until: now + ttlMs }, ttlMs },
    );
    return held?.nonce === nonce;
  }

  #track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(() => undefined)
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.#inFlight.delete(tracked);
      });
    this.#inFlight.add(tracked);
  }
}
