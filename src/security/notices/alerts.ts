// Security alerts: turns security events into an in-app notification and a mail to the INBOX and the verified alternate email, once per event and at most hourly per kind and device.
import { randomUUID } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { EventBus, EventOf, MailwardEvent, MailwardEventType, Protocol } from '../../shared-state/index.js';
import type { AccountRow, NotificationRow, Store } from '../../store/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AlternateEmail } from '../recovery/alternate-email.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import { KNOWN_WINDOW_MS } from '../gate/authenticate.js';
import { BACKUP_CODES_LOW } from '../factors/backup-codes.js';
import type { GeoIP } from '../gate/geoip.js';
import { LOCATION_LOCAL, LOCATION_UNKNOWN } from '../gate/geoip.js';
import type { LoginRecords } from '../gate/login-records.js';
import { utcTime } from '../recovery/recovery-tokens.js';
import type { SecurityMailer } from '../../kernel/security-mailer.js';

export const ALERT_KINDS = [
  'new_sign_in',
  'failed_sign_ins',
  'password_changed',
  'security_code_changed',
  'two_factor_disabled',
  'backup_code_used',
  'backup_codes_regenerated',
  'backup_codes_old',
  'app_password_created',
  'account_disabled',
  'device_logged_out',
  'alternate_email_changed',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Alerts a user cannot switch off: each is what a thief does right after taking an account
 * (lock the owner out, remove the second factor, move recovery elsewhere) or what the owner must
 * hear of at once. They are also exempt from the hourly limit, so a change made by the owner
 * cannot hide a second one made by someone else minutes later.
 */
export const CRITICAL_ALERTS: ReadonlySet<AlertKind> = new Set<AlertKind>(['password_changed', 'two_factor_disabled', 'account_disabled', 'alternate_email_changed']);

/** At most one alert of a kind per device (or IP, or account) per this window; across nodes, through the shared state store. */
export const ALERT_RATE_MS = 3600_000;
/** How long an event is remembered as handled, so an event delivered twice (or to two nodes) alerts once. */
export const ALERT_DEDUPE_MS = 24 * 3600_000;
/** A sign-in's country is "new" when no successful sign-in in this window came from it. */
export const COUNTRY_LOOKBACK_MS = 180 * 24 * 3600_000;
const COUNTRY_LOCATIONS_MAX = 1000;

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

interface Alert {
  kind: AlertKind;
  /** The device, IP or '-' the hourly limit counts per. */
  subject: string;
  title: string;
  body: string;
  details: Record<string, unknown>;
  /** More addresses to tell (the alternate email an AlternateEmailChanged replaced). */
  also?: string[];
}

const PROTOCOL_NAMES: Record<Protocol, string> = { web: 'the webmail', smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3' };

/** Text from clients or users (EHLO names, user agents, app password names) on one short line. */
function clean(text: string, max = 120): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').trim().slice(0, max);
}

/** The country part of "City, Region, Country"; undefined for "Local network", "Unknown" and ''. */
export function countryOf(location: string): string | undefined {
  if (location === '' || location === LOCATION_LOCAL || location === LOCATION_UNKNOWN) return undefined;
  const country = location.split(',').at(-1)?.trim();
  return country ? country : undefined;
}

function encodeCursor(row: { created_at: number; id: number }): string {
  return Buffer.from(`${row.created_at}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { time: number; id: number } {
  const match = /^(\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new MailwardError('INVALID_INPUT', { message: 'notifications: malformed cursor' });
  return { time: Number(match[1]), id: Number(match[2]) };
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

function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

const IF_NOT_YOU = 'If this was not you, change your password at once and review your devices and sign-in records under Personal Settings > Mailbox Security.';

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
    const alert = await this.#describe(event);
    if (!alert) return 'ignored';
    const account = await this.deps.store.accounts.findById(event.accountId);
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
  async setPreference(options: { account: AccountRow; kind: string; enabled: boolean; by: Actor }): Promise<AlertPreference[]> {
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
      ...(options.cursor ? { after: decodeCursor(options.cursor) } : {}),
      ...(options.unreadOnly ? { unreadOnly: true } : {}),
    });
    const notifications = rows.slice(0, limit).map(present);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { notifications, nextCursor: encodeCursor(last) } : { notifications };
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

  async #describe(event: MailwardEvent): Promise<Alert | undefined> {
    switch (event.type) {
      case 'LoginSucceeded':
        return this.#signIn(event);
      case 'LoginFailureBurst':
        return {
          kind: 'failed_sign_ins',
          subject: event.ip,
          title: 'Failed sign-ins to your account',
          body:
            `${event.failures} wrong passwords were tried for ${event.address} from IP address ${event.ip}${this.#place(event.ip)}; that address is blocked for a while.\n` +
            'If this was not you, someone may be guessing your password: make sure it is strong and used nowhere else, and turn on two-factor sign-in.',
          details: { ip: event.ip, failures: event.failures },
        };
      case 'PasswordChanged': {
        const admin = event.actor.startsWith('admin:');
        return {
          kind: 'password_changed',
          subject: '-',
          title: 'Your password was changed',
          body: `${admin ? 'An administrator set a new password' : 'The password was changed'} for ${event.address}.\nIf you did not do this, contact your administrator at once: someone else may control your account.`,
          details: { byAdmin: admin },
        };
      }
      case 'SecurityCodeChanged':
        return {
          kind: 'security_code_changed',
          subject: '-',
          title: 'Your personal security code was changed',
          body: `The personal security code of ${event.address} was set or changed.\n${IF_NOT_YOU}`,
          details: {},
        };
      case 'TwoFactorDisabled':
        return {
          kind: 'two_factor_disabled',
          subject: '-',
          title: 'Two-factor sign-in was turned off',
          body:
            (event.how === 'admin_reset'
              ? `An administrator reset two-factor sign-in for ${event.address}, and every device was signed out.`
              : `Two-factor sign-in was turned off for ${event.address}: a password alone now signs in.`) +
            `\nIf you did not ask for this, contact your administrator at once.`,
          details: { how: event.how },
        };
      case 'BackupCodeUsed': {
        const low = event.remaining <= BACKUP_CODES_LOW;
        return {
          kind: 'backup_code_used',
          subject: event.ip,
          title: low ? `A backup code was used; ${event.remaining} left` : 'A backup code was used',
          body:
            `A backup code was used to sign in to ${event.address} from IP address ${event.ip}${this.#place(event.ip)}. ${event.remaining} unused ${event.remaining === 1 ? 'code is' : 'codes are'} left.` +
            (low ? '\nYou are running low: make a new set of backup codes under Personal Settings > Mailbox Security.' : '') +
            `\n${IF_NOT_YOU}`,
          details: { ip: event.ip, remaining: event.remaining, low },
        };
      }
      case 'BackupCodesRegenerated':
        return {
          kind: 'backup_codes_regenerated',
          subject: '-',
          title: 'New backup codes were made',
          body: `A new set of ${event.count} backup codes was made for ${event.address}; the old codes no longer work.\n${IF_NOT_YOU}`,
          details: { count: event.count },
        };
      case 'BackupCodesAging':
        return {
          kind: 'backup_codes_old',
          subject: String(event.createdAt),
          title: 'Time for new backup codes',
          body:
            `The backup codes of ${event.address} were made on ${utcTime(event.createdAt)} (${event.remaining} left). ` +
            'Make a new set under Personal Settings > Mailbox Security > Two-factor authentication and keep it somewhere safe; the old codes then stop working.',
          details: { createdAt: event.createdAt, remaining: event.remaining },
        };
      case 'AppPasswordCreated':
        return {
          kind: 'app_password_created',
          subject: String(event.appPasswordId),
          title: 'An app password was created',
          body: `An app password named "${clean(event.name, 60)}" was created for ${event.address}; mail clients can sign in with it.\nIf this was not you, revoke it and change your password under Personal Settings > Mailbox Security.`,
          details: { appPasswordId: event.appPasswordId, name: clean(event.name, 60) },
        };
      case 'AccountDisabled':
        return {
          kind: 'account_disabled',
          subject: '-',
          title: 'Your account was disabled',
          body: `The account ${event.address} was disabled${event.reason ? ` (${clean(event.reason, 200)})` : ''} and every device was signed out.\nOnly the administrator can enable it again.`,
          details: { reason: clean(event.reason, 200) },
        };
      case 'DeviceLoggedOut': {
        const device = await this.deps.store.devices.find(event.accountId, event.deviceId);
        const name = device ? clean([device.client, device.os].filter((p) => p !== '').join(' on ')) : '';
        return {
          kind: 'device_logged_out',
          subject: event.deviceId,
          title: 'A device was signed out',
          body: `${name ? `The device "${name}"` : 'A device'} was signed out of ${event.address}${event.actor.startsWith('admin:') ? ' by an administrator' : ''}.\n${IF_NOT_YOU}`,
          details: { deviceId: event.deviceId },
        };
      }
      case 'AlternateEmailChanged':
        return {
          kind: 'alternate_email_changed',
          subject: '-',
          title: event.alternate ? 'Your alternate email was changed' : 'Your alternate email was removed',
          body:
            (event.alternate
              ? `Password reset links and security notices for ${event.address} now go to ${event.alternate}.`
              : `${event.address} no longer has an alternate email: "Forgot password" cannot help it until a new one is verified.`) +
            (event.previous ? `\n${event.previous} no longer receives them.` : '') +
            `\n${IF_NOT_YOU}`,
          details: { alternate: event.alternate, previous: event.previous },
          ...(event.previous ? { also: [event.previous] } : {}),
        };
      default:
        return undefined;
    }
  }

  /**
   * A sign-in worth telling of: a browser never seen, a network (IP) not seen for 30 days, or a
   * country none of the account's successful sign-ins came from in COUNTRY_LOOKBACK_MS. Only a
   * new IP or device leads to any query, so the steady stream of sign-ins by mail clients from
   * known addresses costs nothing. Not news:
   * - the account's first sign-in ever: there is no usual to differ from, and it is the owner
   *   setting the account up;
   * - a "new" mail client from a known IP: a mail client's device is (protocol, client, IP), so
   *   the same machine adding POP3 beside IMAP would otherwise alert.
   * The event's newIp was decided before the earlier records of a burst were written (they are
   * queued for up to 50 ms); it is checked again against the store after writing them.
   */
  async #signIn(event: EventOf<'LoginSucceeded'>): Promise<Alert | undefined> {
    if (event.newDevice !== true && !event.newIp) return undefined;
    await this.deps.loginRecords.flush();
    const before = event.at;
    const earlierSignIns = await this.deps.store.loginRecords.page({ accountId: event.accountId, result: 'success', to: before, limit: 1 });
    if (earlierSignIns.length === 0) return undefined;
    const newIp =
      event.newIp &&
      !(await this.deps.store.loginRecords.hasFromIp({ accountId: event.accountId, ip: event.ip, result: 'success', since: before - KNOWN_WINDOW_MS, before }));
    const newDevice = event.newDevice === true && (event.protocol === 'web' || newIp);
    if (!newDevice && !newIp) return undefined;
    const location = event.location ?? this.deps.geoip?.locate(event.ip) ?? '';
    const country = countryOf(location);
    let newCountry = false;
    if (country) {
      const earlier = await this.deps.store.loginRecords.successLocations({
        accountId: event.accountId,
        since: event.at - COUNTRY_LOOKBACK_MS,
        before: event.at,
        limit: COUNTRY_LOCATIONS_MAX,
      });
      const countries = new Set(earlier.map(countryOf).filter((c): c is string => c !== undefined));
      // An account with no placed sign-in yet has no home country to leave.
      newCountry = countries.size > 0 && !countries.has(country);
    }
    const reasons = [...(newCountry ? ['new_country'] : []), ...(newDevice ? ['new_device'] : []), ...(newIp ? ['new_network'] : [])];
    const why = [
      ...(newCountry ? [`a country (${country}) none of your recent sign-ins came from`] : []),
      ...(newDevice ? ['a device not seen before'] : []),
      ...(newIp ? ['a network (IP address) not seen in the last 30 days'] : []),
    ];
    const client = clean(event.client);
    const place = location !== '' && location !== LOCATION_UNKNOWN ? ` (${clean(location)})` : '';
    return {
      kind: 'new_sign_in',
      subject: event.deviceId ?? event.ip,
      title: newCountry ? `Sign-in from a new country: ${country}` : newDevice ? 'Sign-in from a new device' : 'Sign-in from a new network',
      body:
        `Someone signed in to ${event.address} with ${PROTOCOL_NAMES[event.protocol]} from IP address ${event.ip}${place}${client ? `, using ${client}` : ''}.\n` +
        `You are told because it came from ${why.join(', and ')}.\n` +
        `If this was you, there is nothing to do. ${IF_NOT_YOU}`,
      details: { ip: event.ip, location, protocol: event.protocol, client, reasons, ...(event.deviceId ? { deviceId: event.deviceId } : {}), ...(country ? { country } : {}) },
    };
  }

  /** " (Taipei, Taiwan)" when GeoIP knows the address; '' otherwise. */
  #place(ip: string): string {
    const location = this.deps.geoip?.locate(ip) ?? '';
    return location !== '' && location !== LOCATION_UNKNOWN ? ` (${clean(location)})` : '';
  }
}
