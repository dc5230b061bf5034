// Brute-force defence: expiring, doubling blocks per (name, IP), per network and per account, checked before any hash.
import type { PolicyService } from '../../accounts/index.js';
import type { StateStore } from '../../shared-state/index.js';
import { canonicalIp, networkOf } from './network.js';

/** Failures are counted over this window; a quiet window forgets them. */
export const FAILURE_WINDOW_MS = 15 * 60_000;
/** The first block lasts this long and doubles with each further failure, up to MAX_BLOCK_MS. */
export const FIRST_BLOCK_MS = 60_000;
export const MAX_BLOCK_MS = 15 * 60_000;

export interface FailureState {
  count: number;
  firstAt: number;
  lastAt: number;
  /** 0 when not blocked. */
  blockedUntil: number;
  /** What the block is about, for the admin's listing. */
  username?: string;
  ip?: string;
  network?: string;
}

export interface ThrottleLimits {
  /** Per (name, IP): auth.max_failures. */
  perPair: number;
  /** Per network across names: auth.max_failures_per_network. */
  perNetwork: number;
  /** Per account across unknown IPs (distributed guessing). */
  perAccount: number;
}

/** Account-wide failures from unknown IPs, as a multiple of auth.max_failures, before unknown IPs are blocked. */
export const ACCOUNT_LIMIT_FACTOR = 10;

/** The limits in force for a name of this domain (global policy when the name has no valid domain). */
export async function throttleLimits(policies: PolicyService, options: { domain?: string } = {}): Promise<ThrottleLimits> {
  const scope = options.domain ? { domain: options.domain } : {};
  const perPair = await policies.get('auth.max_failures', scope);
  return { perPair, perNetwork: await policies.get('auth.max_failures_per_network', scope), perAccount: perPair * ACCOUNT_LIMIT_FACTOR };
}

export type ThrottleScope = 'pair' | 'network' | 'account';

export interface Block {
  scope: ThrottleScope;
  key: string;
  username: string | null;
  ip: string | null;
  network: string | null;
  failures: number;
  blockedUntil: number;
}

const PREFIX = 'throttle:';

function pairKey(username: string, ip: string): string {
  return `${PREFIX}pair:${username}|${canonicalIp(ip)}`;
}
function networkKey(ip: string): string {
  return `${PREFIX}network:${networkOf(ip)}`;
}
function accountKey(username: string): string {
  return `${PREFIX}account:${username}`;
}
function seenKey(mac: string): string {
  return `${PREFIX}seen:${mac}`;
}

/**
 * The account a throttled name is about: the name itself for the password step, the address after
 * the step's prefix for the other steps ("otp:", "passkey:", "code:", "alternate-email:"). An
 * address has no ':' before its '@', so the prefix cannot be mistaken for part of one.
 */
export function accountOfName(name: string): string {
  const at = name.lastIndexOf('@');
  const colon = name.lastIndexOf(':', at < 0 ? undefined : at);
  return colon < 0 ? name : name.slice(colon + 1);
}

function blockFor(count: number, limit: number): number {
  if (count < limit) return 0;
  return Math.min(FIRST_BLOCK_MS * 2 ** (count - limit), MAX_BLOCK_MS);
}

function bump(current: FailureState | undefined, now: number, limit: number, about: Partial<FailureState>): { value: FailureState; ttlMs: number } {
  // The quiet window starts when the block ends: otherwise a 15-minute block would end together
  // with its count, and a patient attacker would get a fresh round of max_failures after each one.
  const fresh = !current || now - Math.max(current.lastAt, current.blockedUntil) > FAILURE_WINDOW_MS;
  const count = fresh ? 1 : current.count + 1;
  const block = blockFor(count, limit);
  const value: FailureState = {
    ...about,
    count,
    firstAt: fresh ? now : current.firstAt,
    lastAt: now,
    blockedUntil: block > 0 ? now + block : 0,
  };
  return { value, ttlMs: block + FAILURE_WINDOW_MS };
}

export interface ThrottleCheck {
  /** Set when the attempt must be refused before any secret is verified. */
  blocked?: { scope: ThrottleScope; retryAt: number };
  /** The account-wide block is in force but this IP is known to the account: let it through. */
  accountBlockWaived?: boolean;
}

export class Throttle {
  constructor(private readonly state: StateStore) {}

  /**
   * Checks the blocks that apply to an attempt. `isKnownIp` is asked only when the account-wide
   * block is on, so the owner on a device they used before is never locked out by attackers elsewhere.
   */
  async check(options: { username: string; ip: string; now: number; isKnownIp: () => Promise<boolean> }): Promise<ThrottleCheck> {
    const { username, ip, now } = options;
    const [pair, network, account] = await Promise.all([
      this.state.get<FailureState>(pairKey(username, ip), now),
      this.state.get<FailureState>(networkKey(ip), now),
      this.state.get<FailureState>(accountKey(username), now),
    ]);
    if (pair && pair.blockedUntil > now) return { blocked: { scope: 'pair', retryAt: pair.blockedUntil } };
    if (network && network.blockedUntil > now) return { blocked: { scope: 'network', retryAt: network.blockedUntil } };
    if (account && account.blockedUntil > now) {
      if (await options.isKnownIp()) return { accountBlockWaived: true };
      return { blocked: { scope: 'account', retryAt: account.blockedUntil } };
    }
    return {};
  }

  /** Counts one failure in every scope; returns the (name, IP) state after it. */
  async recordFailure(options: { username: string; ip: string; now: number; limits: ThrottleLimits; countAccount: boolean }): Promise<FailureState> {
    const { username, ip, now, limits } = options;
    const canonical = canonicalIp(ip);
    const network = networkOf(ip);
    const [pair] = await Promise.all([
      this.state.update<FailureState>(pairKey(username, ip), now, (c) => bump(c, now, limits.perPair, { username, ip: canonical })),
      this.state.update<FailureState>(networkKey(ip), now, (c) => bump(c, now, limits.perNetwork, { network })),
      options.countAccount
        ? this.state.update<FailureState>(accountKey(username), now, (c) => bump(c, now, limits.perAccount, { username }))
        : Promise.resolve(undefined),
    ]);
    return pair as FailureState;
  }

  /** A success from (name, IP) forgets that pair's failures (not the network's or the account's). */
  async recordSuccess(options: { username: string; ip: string }): Promise<void> {
    await this.state.delete(pairKey(options.username, options.ip));
  }

  /** True when this exact wrong secret (by keyed hash) already failed recently for this name and client. */
  async seenFailedSecret(mac: string, now: number): Promise<boolean> {
    return (await this.state.get<number>(seenKey(mac), now)) !== undefined;
  }

  async rememberFailedSecret(mac: string, now: number): Promise<void> {
    await this.state.update<number>(seenKey(mac), now, () => ({ value: now, ttlMs: FAILURE_WINDOW_MS }));
  }

  /** Blocks in force now, for the admin. */
  async blocks(now: number): Promise<Block[]> {
    const entries = await this.state.scan<FailureState>(PREFIX, now);
    const out: Block[] = [];
    for (const { key, value } of entries) {
      const scope = key.slice(PREFIX.length).split(':')[0] as ThrottleScope | 'seen';
      if (scope === 'seen' || value.blockedUntil <= now) continue;
      out.push({
        scope,
        key,
        username: value.username ?? null,
        ip: value.ip ?? null,
        network: value.network ?? null,
        failures: value.count,
        blockedUntil: value.blockedUntil,
      });
    }
    return out;
  }

  /**
   * Lifts blocks (and their counts) for an IP (its pairs and network), an account, or all. An
   * account's blocks are those of every name that concerns it: the password step's and each
   * second step's ("otp:<address>" and the like), so an admin who clears an account lets its owner
   * complete the whole sign-in, not only its first half.
   */
  async clear(options: { ip?: string; username?: string; now: number }): Promise<number> {
    const entries = await this.state.scan<FailureState>(PREFIX, options.now);
    const ip = options.ip === undefined ? undefined : canonicalIp(options.ip);
    const network = options.ip === undefined ? undefined : networkOf(options.ip);
    const account = options.username === undefined ? undefined : accountOfName(options.username);
    let cleared = 0;
    for (const { key, value } of entries) {
      if (key.startsWith(`${PREFIX}seen:`)) continue;
      // With both an IP and a name, only that account's pairs; with an IP alone, its pairs and its network.
      const matchesIp = ip === undefined || value.ip === ip || (options.username === undefined && value.network === network);
      const matchesName = account === undefined || (value.username !== undefined && accountOfName(value.username) === account);
      if (matchesIp && matchesName) {
        await this.state.delete(key);
        cleared++;
      }
    }
    return cleared;
  }
}
