// The auto-forwarding list: who may set it (security-code gate), and how forwarded copies travel (SRS, loop guards, a daily cap).
import type { Account, PolicyService } from '../accounts/index.js';
import { normalizeAddress } from '../lib/index.js';
import { MailwardError } from '../errors/index.js';
import type { Actor, AuditLog } from '../kernel/index.js';
import type { StateStore } from '../shared-state/index.js';
import { addToWindow } from '../shared-state/index.js';
import type { Store } from '../store/index.js';
import type { RecipientResolver } from './recipients.js';

export const MAX_FORWARD_ADDRESSES = 10;
/** RFC 5321 §6.3: a message with this many Received headers is looping; forward no further. */
export const MAX_RECEIVED_HEADERS = 30;
/** Added to every forwarded copy with the forwarding account: seeing our own name again means a loop. */
export const FORWARDED_HEADER = 'X-Mailward-Forwarded';

/**
 * The personal security code check that guards the forwarding list (the security core's
 * AccountSecurity, wired in by the composition root): transport depends on this port, not on security.
 */
export interface SecurityCodeGate {
  verifySecurityCode(options: { account: Account; code?: string; ip?: string }): Promise<void>;
}

export interface ForwardingSettings {
  addresses: string[];
  keepCopy: boolean;
}

export interface ForwardingDeps {
  store: Pick<Store, 'forwarding'>;
  recipients: RecipientResolver;
  accountSecurity: SecurityCodeGate;
  audit: AuditLog;
  policies: PolicyService;
  state: StateStore;
  now: () => number;
}

export class Forwarding {
  constructor(private readonly deps: ForwardingDeps) {}

  async get(account: Account): Promise<ForwardingSettings> {
    const row = await this.deps.store.forwarding.get(account.id);
    if (!row) return { addresses: [], keepCopy: true };
    return { addresses: JSON.parse(row.addresses) as string[], keepCopy: row.keep_copy === 1 };
  }

  /** Sets the list; needs the personal security code when that mechanism is on and set. Audited. */
  async set(options: { account: Account; addresses: string[]; keepCopy: boolean; securityCode?: string; by: Actor }): Promise<ForwardingSettings> {
    await this.deps.accountSecurity.verifySecurityCode({
      account: options.account,
      ...(options.securityCode !== undefined ? { code: options.securityCode } : {}),
      ...(options.by.ip !== undefined ? { ip: options.by.ip } : {}),
    });
    const own = await this.deps.recipients.sendableAddresses(options.account);
    const addresses: string[] = [];
    for (const input of options.addresses) {
      const address = normalizeAddress(input).address;
      if (own.has(address)) throw new MailwardError('INVALID_INPUT', { message: `forwarding: ${address} is this account itself` });
      if (!addresses.includes(address)) addresses.push(address);
    }
    if (addresses.length > MAX_FORWARD_ADDRESSES) {
      throw new MailwardError('LIMIT', { message: `forwarding: at most ${MAX_FORWARD_ADDRESSES} addresses` });
    }
    // With nowhere to forward, the owner keeps the mail, whatever the switch says.
    const keepCopy = addresses.length === 0 ? true : options.keepCopy;
    const before = await this.get(options.account);
    await this.deps.store.forwarding.set({ accountId: options.account.id, addresses, keepCopy, now: this.deps.now() });
    await this.deps.audit.append({
      actor: options.by.actor,
      action: 'forwarding.changed',
      account: options.account,
      ip: options.by.ip,
      details: { before, after: { addresses, keepCopy } },
    });
    return { addresses, keepCopy };
  }

  /**
   * Counts one forwarded message against limits.forwarding.messages_per_day; false when the cap
   * is reached (the caller then keeps the message locally instead of forwarding it).
   */
  async allowForward(account: Account): Promise<boolean> {
    const domain = normalizeAddress(account.address).domain;
    const max = await this.deps.policies.get('limits.forwarding.messages_per_day', { domain });
    if (max === 0) return true;
    const total = await addToWindow(this.deps.state, { key: `volume:forward:day:${account.id}`, spanMs: 86_400_000, now: this.deps.now() });
    return total <= max;
  }
}

/** True when the message looks like it is going round in circles through `account`. */
export function isForwardingLoop(headerNames: string[], forwardedBy: string[], account: string): boolean {
  const received = headerNames.filter((n) => n === 'received').length;
  return received >= MAX_RECEIVED_HEADERS || forwardedBy.includes(account);
}
