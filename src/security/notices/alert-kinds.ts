// The kinds of security alert and what each says: which event raises which, in words its reader understands.
import type { EventOf, MailwardEvent, Protocol } from '../../shared-state/index.js';
import type { Store } from '../../store/index.js';
import { KNOWN_WINDOW_MS } from '../gate/authenticate.js';
import { BACKUP_CODES_LOW } from '../factors/backup-codes.js';
import type { GeoIP } from '../gate/geoip.js';
import { LOCATION_LOCAL, LOCATION_UNKNOWN } from '../gate/geoip.js';
import type { LoginRecords } from '../gate/login-records.js';
import { utcTime } from '../recovery/recovery-tokens.js';

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

/** A sign-in's country is "new" when no successful sign-in in this window came from it. */
export const COUNTRY_LOOKBACK_MS = 180 * 24 * 3600_000;
const COUNTRY_LOCATIONS_MAX = 1000;

export interface Alert {
  kind: AlertKind;
  /** The device, IP or '-' the hourly limit counts per. */
  subject: string;
  title: string;
  body: string;
  details: Record<string, unknown>;
  /** More addresses to tell (the alternate email an AlternateEmailChanged replaced). */
  also?: string[];
}

export interface AlertDescriptionDeps {
  /** Earlier sign-ins (is this one news?) and devices (their names). */
  store: Pick<Store, 'loginRecords' | 'devices'>;
  /** Queued login records are written before earlier countries are read. */
  loginRecords: Pick<LoginRecords, 'flush'>;
  /** Places a sign-in whose event carries no location. */
  geoip?: GeoIP;
}

const PROTOCOL_NAMES: Record<Protocol, string> = { web: 'the webmail', smtp: 'SMTP', imap: 'IMAP', pop3: 'POP3' };

/** Text from clients or users (EHLO names, user agents, app password names) on one short line. */
export function clean(text: string, max = 120): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').trim().slice(0, max);
}

/** The country part of "City, Region, Country"; undefined for "Local network", "Unknown" and ''. */
export function countryOf(location: string): string | undefined {
  if (location === '' || location === LOCATION_LOCAL || location === LOCATION_UNKNOWN) return undefined;
  const country = location.split(',').at(-1)?.trim();
  return country ? country : undefined;
}

export function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

const IF_NOT_YOU = 'If this was not you, change your password at once and review your devices and sign-in records under Personal Settings > Mailbox Security.';

/** The alert an event raises (what it says, and what the hourly limit counts per); undefined when it raises none. */
export async function describeAlert(event: MailwardEvent, deps: AlertDescriptionDeps): Promise<Alert | undefined> {
  switch (event.type) {
    case 'LoginSucceeded':
      return signInAlert(event, deps);
    case 'LoginFailureBurst':
      return {
        kind: 'failed_sign_ins',
        subject: event.ip,
        title: 'Failed sign-ins to your account',
        body:
          `${event.failures} wrong passwords were tried for ${event.address} from IP address ${event.ip}${placeOf(event.ip, deps.geoip)}; that address is blocked for a while.\n` +
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
          `A backup code was used to sign in to ${event.address} from IP address ${event.ip}${placeOf(event.ip, deps.geoip)}. ${event.remaining} unused ${event.remaining === 1 ? 'code is' : 'codes are'} left.` +
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
      const device = await deps.store.devices.find(event.accountId, event.deviceId);
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
async function signInAlert(event: EventOf<'LoginSucceeded'>, deps: AlertDescriptionDeps): Promise<Alert | undefined> {
  if (event.newDevice !== true && !event.newIp) return undefined;
  await deps.loginRecords.flush();
  const before = event.at;
  const earlierSignIns = await deps.store.loginRecords.page({ accountId: event.accountId, result: 'success', to: before, limit: 1 });
  if (earlierSignIns.length === 0) return undefined;
  const newIp =
    event.newIp &&
    !(await deps.store.loginRecords.hasFromIp({ accountId: event.accountId, ip: event.ip, result: 'success', since: before - KNOWN_WINDOW_MS, before }));
  const newDevice = event.newDevice === true && (event.protocol === 'web' || newIp);
  if (!newDevice && !newIp) return undefined;
  const location = event.location ?? deps.geoip?.locate(event.ip) ?? '';
  const country = countryOf(location);
  let newCountry = false;
  if (country) {
    const earlier = await deps.store.loginRecords.successLocations({
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
function placeOf(ip: string, geoip: GeoIP | undefined): string {
  const location = geoip?.locate(ip) ?? '';
  return location !== '' && location !== LOCATION_UNKNOWN ? ` (${clean(location)})` : '';
}
