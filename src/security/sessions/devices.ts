// Devices: browsers (a long-lived random cookie) and mail clients (protocol + client + IP) that signed in; the device log, trust, and force logout.
import { randomBytes, randomUUID } from 'node:crypto';
import { UAParser } from 'ua-parser-js';
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountDomain } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { EventBus, Protocol } from '../../shared-state/index.js';
import type { DeviceRow, Store } from '../../store/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import type { GeoIP } from '../gate/geoip.js';
import type { ServerKey } from '../../kernel/server-key.js';
import type { SessionRegistry } from './session-registry.js';

const DAY_MS = 24 * 3600_000;
/** A device cookie carries 256 random bits; only its keyed hash is stored. */
const DEVICE_TOKEN_BYTES = 32;
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type DeviceStatus = 'current' | 'signed_in' | 'logged_out';

/** What the device log shows of a device: never its key hash. */
export interface DeviceView {
  id: string;
  kind: 'browser' | 'mail_client';
  protocol: string;
  /** Operating system of a browser ("Windows 11", "macOS 14.5"), '' for mail clients. */
  os: string;
  /** Browser ("Chrome 131") or mail client name. */
  client: string;
  status: DeviceStatus;
  trusted: boolean;
  /** When trust ends (epoch ms), for trusted devices. */
  trustedUntil: number | null;
  firstLoginAt: number;
  lastLoginAt: number;
  lastIp: string;
  lastLocation: string;
}

export interface DeviceLog {
  /** "My frequently used devices": trusted, no second factor asked on them. */
  trusted: DeviceView[];
  /** "Other devices": signed in but not trusted. */
  other: DeviceView[];
}

export interface DeviceSeen {
  device: DeviceRow;
  created: boolean;
  /** A new browser's cookie value, to set on the response (only when none was presented). */
  newToken?: string;
}

export interface DevicesDeps {
  store: Pick<Store, 'devices' | 'accounts'>;
  policies: PolicyService;
  key: ServerKey;
  geoip: GeoIP;
  audit: AuditLog;
  events: EventBus;
  sessions: SessionRegistry;
  now: () => number;
}

/** "Windows 10", "macOS 10.15.7", "Android 14", or '' when the agent says nothing usable. */
export function describeUserAgent(userAgent: string): { os: string; browser: string } {
  const parsed = new UAParser(userAgent.slice(0, 512)).getResult();
  const os = [parsed.os.name, parsed.os.version].filter(Boolean).join(' ');
  const browser = [parsed.browser.name, parsed.browser.major].filter(Boolean).join(' ');
  return { os, browser };
}

export class Devices {
  constructor(private readonly deps: DevicesDeps) {}

  /** Whether a cookie value has the shape of a device token (anything else is ignored, not looked up). */
  static isToken(value: string | undefined): value is string {
    return value !== undefined && DEVICE_TOKEN.test(value);
  }

  /**
   * Records a successful sign-in of a device. A browser is known by its device cookie (a new one is
   * made when it has none); a mail client by protocol, client name and IP, as it has no cookie.
   */
  async sighted(input: { account: Account; protocol: Protocol; ip: string; client: string; userAgent?: string; deviceToken?: string; now?: number }): Promise<DeviceSeen> {
    const now = input.now ?? this.deps.now();
    const browser = input.protocol === 'web';
    let newToken: string | undefined;
    let keyText: string;
    let os = '';
    let client = input.client;
    if (browser) {
      const token = Devices.isToken(input.deviceToken) ? input.deviceToken : (newToken = randomBytes(DEVICE_TOKEN_BYTES).toString('base64url'));
      keyText = `browser\u0000${token}`;
      const described = describeUserAgent(input.userAgent ?? '');
      os = described.os;
      client = described.browser || client;
    } else {
      keyText = `${input.protocol}\u0000${input.client}\u0000${input.ip}`;
    }
    const seen = await this.deps.store.devices.sighted({
      accountId: input.account.id,
      kind: browser ? 'browser' : 'mail_client',
      // Keyed per account: the same browser used by two accounts is two devices, and a cookie
      // copied from one account's browser says nothing about another's.
      keyHash: this.deps.key.mac('device', `${input.account.id}\u0000${keyText}`),
      protocol: input.protocol,
      os,
      client,
      ip: input.ip,
      location: this.deps.geoip.locate(input.ip),
      now,
      newId: randomUUID(),
    });
    return { ...seen, ...(newToken !== undefined ? { newToken } : {}) };
  }

  /**
   * Whether the device skips the second factor: trusted with two-factor sign-in on, within
   * `devices.trust_days`, and not before the account's trust epoch (password change, 2FA off).
   */
  async isTrusted(account: Account, device: DeviceRow, options: { now?: number } = {}): Promise<boolean> {
    if (!account.twoFactorEnabled || device.trusted_at === null || device.account_id !== account.id) return false;
    if (device.trusted_at < account.trustValidAfter || device.trusted_at < device.sessions_valid_after) return false;
    const days = await this.deps.policies.get('devices.trust_days', { domain: accountDomain(account) });
    return (options.now ?? this.deps.now()) < device.trusted_at + days * DAY_MS;
  }

  /** "This is my trusted device" on the second-factor step: only with two-factor sign-in set up. */
  async trust(options: { account: Account; deviceId: string; by: Actor }): Promise<void> {
    const { account, by } = options;
    if (!account.twoFactorEnabled) throw new MailwardError('FORBIDDEN', { message: 'a device can be trusted only with two-factor sign-in on' });
    const now = this.deps.now();
    if (!(await this.deps.store.devices.setTrustedAt(account.id, options.deviceId, now))) throw new MailwardError('NOT_FOUND', { message: 'no such device' });
    await this.deps.audit.append({ actor: by.actor, action: 'device.trusted', account, ip: by.ip, details: { deviceId: options.deviceId } });
    await this.deps.events.publish({ type: 'DeviceTrusted', at: now, accountId: account.id, address: account.address, deviceId: options.deviceId });
  }

  /** *Remove device*: off the trusted list; its next sign-in asks for the second factor again. */
  async removeTrust(options: { account: Account; deviceId: string; by: Actor }): Promise<void> {
    const { account, by } = options;
    if (!(await this.deps.store.devices.setTrustedAt(account.id, options.deviceId, null))) throw new MailwardError('NOT_FOUND', { message: 'no such device' });
    await this.deps.audit.append({ actor: by.actor, action: 'device.removed', account, ip: by.ip, details: { deviceId: options.deviceId } });
    await this.deps.events.publish({ type: 'DeviceRemoved', at: this.deps.now(), accountId: account.id, address: account.address, deviceId: options.deviceId, actor: by.actor });
  }

  /**
   * *Force logout*: every session of the device ends now — its web sessions at their next request,
   * its live IMAP/POP3/SMTP connections within a second on any node (the registry checks the
   * device's epoch on the event and on its poll). Trust goes too: a device forced out was not trusted.
   */
  async forceLogout(options: { account: Account; deviceId: string; by: Actor }): Promise<{ webSessionsEnded: number; connectionsEnded: number }> {
    const { account, by } = options;
    const now = this.deps.now();
    const device = await this.deps.store.devices.find(account.id, options.deviceId);
    if (!device) throw new MailwardError('NOT_FOUND', { message: 'no such device' });
    await this.deps.store.devices.revokeSessions(account.id, device.id, now);
    await this.deps.store.devices.setTrustedAt(account.id, device.id, null);
    const webSessionsEnded = await this.deps.store.devices.endSessions(account.id, { now, reason: 'revoked', deviceId: device.id });
    await this.deps.audit.append({ actor: by.actor, action: 'device.logged_out', account, ip: by.ip, details: { deviceId: device.id } });
    await this.deps.events.publish({ type: 'DeviceLoggedOut', at: now, accountId: account.id, address: account.address, deviceId: device.id, actor: by.actor });
    const connectionsEnded = await this.deps.sessions.checkAccount(account.id);
    return { webSessionsEnded, connectionsEnded };
  }

  /** The device log: trusted devices and other devices, each with its status. */
  async log(account: Account, options: { currentDeviceId?: string; now?: number } = {}): Promise<DeviceLog> {
    const now = options.now ?? this.deps.now();
    const devices = await this.deps.store.devices.listForAccount(account.id);
    const live = new Set<string>();
    for (const session of await this.deps.store.devices.liveSessions(account.id)) live.add(session.device_id);
    for (const session of this.deps.sessions.list(account.id)) if (session.deviceId) live.add(session.deviceId);
    const days = await this.deps.policies.get('devices.trust_days', { domain: accountDomain(account) });
    const result: DeviceLog = { trusted: [], other: [] };
    for (const device of devices) {
      const trusted = await this.isTrusted(account, device, { now });
      const status: DeviceStatus = device.id === options.currentDeviceId ? 'current' : live.has(device.id) ? 'signed_in' : 'logged_out';
      const view: DeviceView = {
        id: device.id,
        kind: device.kind === 'browser' ? 'browser' : 'mail_client',
        protocol: device.protocol,
        os: device.os,
        client: device.client,
        status,
        trusted,
        trustedUntil: trusted && device.trusted_at !== null ? device.trusted_at + days * DAY_MS : null,
        firstLoginAt: device.first_login_at,
        lastLoginAt: device.last_login_at,
        lastIp: device.last_ip,
        lastLocation: device.last_location,
      };
      (trusted ? result.trusted : result.other).push(view);
    }
    return result;
  }
}
