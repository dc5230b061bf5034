// The throttle on its own (MemoryStateStore): counts, doubling blocks, scopes, expiry, the admin's listing and clearing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../shared-state/index.js';
import { FAILURE_WINDOW_MS, FIRST_BLOCK_MS, MAX_BLOCK_MS, Throttle } from './throttle.js';
import type { ThrottleLimits } from './throttle.js';

const T0 = 1_700_000_000_000;
const LIMITS: ThrottleLimits = { perPair: 3, perNetwork: 100, perAccount: 30 };
const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const unknownIp = async (): Promise<boolean> => false;

describe('Throttle', () => {
  let state: MemoryStateStore;
  let throttle: Throttle;
  beforeEach(() => {
    state = new MemoryStateStore();
    throttle = new Throttle(state);
  });

  async function fail(options: { username?: string; ip?: string; now: number; limits?: ThrottleLimits; countAccount?: boolean }): Promise<number> {
    const pair = await throttle.recordFailure({
      username: options.username ?? ALICE,
      ip: options.ip ?? '198.51.100.7',
      now: options.now,
      limits: options.limits ?? LIMITS,
      countAccount: options.countAccount ?? false,
    });
    return pair.count;
  }

  it('blocks a (name, IP) pair for one minute once it reaches perPair failures, and not before', async () => {
    expect(await fail({ now: T0 })).toBe(1);
    expect(await fail({ now: T0 + 1 })).toBe(2);
    expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0 + 2, isKnownIp: unknownIp })).toEqual({});
    expect(await fail({ now: T0 + 2 })).toBe(3);
    expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0 + 3, isKnownIp: unknownIp })).toEqual({
      blocked: { scope: 'pair', retryAt: T0 + 2 + FIRST_BLOCK_MS },
    });
    // Another name from the same IP, and the same name from another IP, are untouched.
    expect(await throttle.check({ username: BOB, ip: '198.51.100.7', now: T0 + 3, isKnownIp: unknownIp })).toEqual({});
    expect(await throttle.check({ username: ALICE, ip: '198.51.100.8', now: T0 + 3, isKnownIp: unknownIp })).toEqual({});
    // The block ends on its own.
    expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0 + 2 + FIRST_BLOCK_MS, isKnownIp: unknownIp })).toEqual({});
  });

  it('counts one client under one key whatever spelling of its address the door reports', async () => {
    await fail({ ip: '::ffff:198.51.100.7', now: T0 });
    await fail({ ip: '198.51.100.7', now: T0 });
    await fail({ ip: '::FFFF:198.51.100.7', now: T0 });
    expect((await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0, isKnownIp: unknownIp })).blocked?.scope).toBe('pair');
  });

  it('doubles the block with each failure after one ends (60, 120, 240, 480 s), capped at 15 minutes', async () => {
    let now = T0;
    for (let i = 0; i < 3; i++) await fail({ now });
    const blocks: number[] = [];
    for (let i = 0; i < 6; i++) {
      const check = await throttle.check({ username: ALICE, ip: '198.51.100.7', now, isKnownIp: unknownIp });
      const retryAt = check.blocked?.retryAt;
      expect(retryAt).toBeDefined();
      blocks.push((retryAt! - now) / 1000);
      now = retryAt!; // the block has just ended: one more failure
      await fail({ now });
    }
    expect(blocks).toEqual([60, 120, 240, 480, 900, 900]);
    expect(MAX_BLOCK_MS).toBe(900_000);
  });

  it('keeps the count through a block and forgets it only after a quiet window', async () => {
    let now = T0;
    for (let i = 0; i < 3; i++) await fail({ now });
    // Blocked until T0+60s; a failure 10 minutes after the block ended still doubles.
    now += FIRST_BLOCK_MS + 10 * 60_000;
    expect(await fail({ now })).toBe(4);
    const retryAt = (await throttle.check({ username: ALICE, ip: '198.51.100.7', now, isKnownIp: unknownIp })).blocked?.retryAt;
    expect(retryAt).toBe(now + 2 * FIRST_BLOCK_MS);
    // A quiet window after that block: the slate is clean.
    now = retryAt! + FAILURE_WINDOW_MS + 1;
    expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now, isKnownIp: unknownIp })).toEqual({});
    expect(await fail({ now })).toBe(1);
  });

  it('forgets failures below the limit after the window (state expires)', async () => {
    await fail({ now: T0 });
    await fail({ now: T0 + 1000 });
    expect(await state.scan('throttle:', T0 + 1000)).toHaveLength(2); // pair + network
    expect(await state.scan('throttle:', T0 + 1000 + FAILURE_WINDOW_MS)).toHaveLength(0);
    expect(await fail({ now: T0 + 1000 + FAILURE_WINDOW_MS })).toBe(1);
    // Inside the window the count goes on.
    expect(await fail({ now: T0 + 1000 + FAILURE_WINDOW_MS + 60_000 })).toBe(2);
  });

  it('a success forgets that pair only, not the network or the account count', async () => {
    const limits = { ...LIMITS, perNetwork: 3, perAccount: 3 };
    await fail({ now: T0, limits, countAccount: true });
    await fail({ now: T0, limits, countAccount: true });
    await throttle.recordSuccess({ username: ALICE, ip: '198.51.100.7' });
    expect(await fail({ now: T0, limits, countAccount: true })).toBe(1);
    const check = await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0, isKnownIp: unknownIp });
    expect(check.blocked?.scope).toBe('network');
  });

  it('blocks a network across names at perNetwork', async () => {
    const limits = { ...LIMITS, perNetwork: 5 };
    for (let i = 0; i < 5; i++) await fail({ username: `user${i}@example.test`, ip: `192.0.2.${i + 1}`, now: T0, limits });
    const check = await throttle.check({ username: 'other@example.test', ip: '192.0.2.200', now: T0, isKnownIp: unknownIp });
    expect(check).toEqual({ blocked: { scope: 'network', retryAt: T0 + FIRST_BLOCK_MS } });
    expect(await throttle.check({ username: 'other@example.test', ip: '192.0.3.1', now: T0, isKnownIp: unknownIp })).toEqual({});
  });

  it('blocks an account for unknown IPs at perAccount but waives it for an IP the account knows', async () => {
    for (let i = 0; i < LIMITS.perAccount; i++) await fail({ ip: `10.${i}.0.1`, now: T0, countAccount: true });
    const isKnown = vi.fn(async () => false);
    const unknown = await throttle.check({ username: ALICE, ip: '10.200.0.1', now: T0, isKnownIp: isKnown });
    expect(unknown).toEqual({ blocked: { scope: 'account', retryAt: T0 + FIRST_BLOCK_MS } });
    expect(isKnown).toHaveBeenCalledTimes(1);
    expect(await throttle.check({ username: ALICE, ip: '10.201.0.1', now: T0, isKnownIp: async () => true })).toEqual({ accountBlockWaived: true });
  });

  it('asks whether the IP is known only when an account-wide block is on', async () => {
    const isKnown = vi.fn(async () => true);
    await fail({ now: T0, countAccount: true });
    await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0, isKnownIp: isKnown });
    expect(isKnown).not.toHaveBeenCalled();
  });

  it('failures from a known IP (countAccount false) never count against the account', async () => {
    for (let i = 0; i < LIMITS.perAccount + 5; i++) await fail({ ip: `10.${i}.0.1`, now: T0, countAccount: false });
    expect(await throttle.check({ username: ALICE, ip: '10.250.0.1', now: T0, isKnownIp: unknownIp })).toEqual({});
  });

  it('remembers a failed secret by its keyed hash for the window only', async () => {
    const mac = 'a'.repeat(64);
    expect(await throttle.seenFailedSecret(mac, T0)).toBe(false);
    await throttle.rememberFailedSecret(mac, T0);
    // Only the MAC is a key; no entry holds anything but a time.
    const entries = await state.scan<unknown>('throttle:seen:', T0);
    expect(entries.map((e) => [e.key, e.value])).toEqual([[`throttle:seen:${mac}`, T0]]);
    expect(await throttle.seenFailedSecret(mac, T0 + FAILURE_WINDOW_MS - 1)).toBe(true);
    expect(await throttle.seenFailedSecret(mac, T0 + FAILURE_WINDOW_MS)).toBe(false);
  });

  describe('for the admin', () => {
    const limits: ThrottleLimits = { perPair: 3, perNetwork: 4, perAccount: 3 };

    async function setUp(): Promise<void> {
      // alice from 198.51.100.7: pair blocked (3). alice from 198.51.100.8: 1 (network reaches 4: blocked).
      // alice's account counter (countAccount): 4 (blocked). bob from 203.0.113.9: pair blocked (3).
      for (let i = 0; i < 3; i++) await fail({ username: ALICE, ip: '198.51.100.7', now: T0, limits, countAccount: true });
      await fail({ username: ALICE, ip: '198.51.100.8', now: T0, limits, countAccount: true });
      for (let i = 0; i < 3; i++) await fail({ username: BOB, ip: '203.0.113.9', now: T0, limits });
      await throttle.rememberFailedSecret('f'.repeat(64), T0);
    }

    it('lists every block in force with scope, account, IP, network, failures and end', async () => {
      await setUp();
      const blocks = await throttle.blocks(T0 + 1);
      const view = blocks.map(({ scope, username, ip, network, failures, blockedUntil }) => ({ scope, username, ip, network, failures, blockedUntil }));
      expect(view).toHaveLength(4);
      expect(view).toEqual(
        expect.arrayContaining([
          { scope: 'pair', username: ALICE, ip: '198.51.100.7', network: null, failures: 3, blockedUntil: T0 + 60_000 },
          { scope: 'pair', username: BOB, ip: '203.0.113.9', network: null, failures: 3, blockedUntil: T0 + 60_000 },
          { scope: 'network', username: null, ip: null, network: '198.51.100.0/24', failures: 4, blockedUntil: T0 + 60_000 },
          { scope: 'account', username: ALICE, ip: null, network: null, failures: 4, blockedUntil: T0 + 120_000 },
        ]),
      );
      for (const block of blocks) expect(block.key.startsWith(`throttle:${block.scope}:`)).toBe(true);
      // Counters below their limit (alice from .8) and remembered secrets are not blocks.
      expect(view.some((b) => b.ip === '198.51.100.8')).toBe(false);
      // Blocks that ended are not listed.
      expect((await throttle.blocks(T0 + 60_000)).map((b) => b.scope)).toEqual(['account']);
      expect(await throttle.blocks(T0 + 120_000)).toEqual([]);
    });

    it('clear({ ip }) lifts that IP’s pairs and its network, nothing else', async () => {
      await setUp();
      expect(await throttle.clear({ ip: '::ffff:198.51.100.7', now: T0 })).toBe(2);
      const left = (await throttle.blocks(T0 + 1)).map((b) => `${b.scope}:${b.username ?? ''}:${b.ip ?? b.network ?? ''}`).sort();
      expect(left).toEqual([`account:${ALICE}:`, `pair:${BOB}:203.0.113.9`]);
      // The other pair in that network (.8) stays counted.
      expect((await throttle.recordFailure({ username: ALICE, ip: '198.51.100.8', now: T0, limits, countAccount: false })).count).toBe(2);
      expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0 + 1, isKnownIp: async () => true })).toEqual({ accountBlockWaived: true });
    });

    it('clear({ username }) lifts that name’s pairs and account block, nothing else', async () => {
      await setUp();
      expect(await throttle.clear({ username: ALICE, now: T0 })).toBe(3);
      const left = (await throttle.blocks(T0 + 1)).map((b) => b.scope).sort();
      expect(left).toEqual(['network', 'pair']);
      expect((await throttle.blocks(T0 + 1)).find((b) => b.scope === 'pair')?.username).toBe(BOB);
    });

    it('clear({ username }) also lifts the blocks of the second steps ("otp:<address>"), however the account is named', async () => {
      for (let i = 0; i < 3; i++) await fail({ username: `otp:${ALICE}`, ip: '198.51.100.7', now: T0, limits, countAccount: true });
      for (let i = 0; i < 3; i++) await fail({ username: `otp:${BOB}`, ip: '203.0.113.9', now: T0, limits });
      expect(await throttle.clear({ username: ALICE, now: T0 })).toBe(2);
      expect((await throttle.blocks(T0 + 1)).map((b) => b.username)).toEqual([`otp:${BOB}`]);
      expect(await throttle.check({ username: `otp:${ALICE}`, ip: '198.51.100.7', now: T0 + 1, isKnownIp: unknownIp })).toEqual({});
      expect(await throttle.clear({ username: `otp:${BOB}`, now: T0 })).toBe(1);
      expect(await throttle.blocks(T0 + 1)).toEqual([]);
    });

    it('clear({ ip, username }) lifts only that pair', async () => {
      await setUp();
      expect(await throttle.clear({ ip: '198.51.100.7', username: ALICE, now: T0 })).toBe(1);
      expect((await throttle.blocks(T0 + 1)).map((b) => b.scope).sort()).toEqual(['account', 'network', 'pair']);
    });

    it('clear({}) lifts everything but keeps remembered secrets', async () => {
      await setUp();
      expect(await throttle.clear({ now: T0 })).toBe(6);
      expect(await throttle.blocks(T0 + 1)).toEqual([]);
      expect(await throttle.check({ username: ALICE, ip: '198.51.100.7', now: T0 + 1, isKnownIp: unknownIp })).toEqual({});
      expect(await throttle.seenFailedSecret('f'.repeat(64), T0 + 1)).toBe(true);
    });
  });
});
