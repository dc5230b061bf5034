// Sending and downloading volume per account: crossing an admin limit refuses the message and disables the account.
import type { Account, PolicyKey, PolicyService } from '../../accounts/index.js';
import { normalizeAddress } from '../../lib/index.js';
import type { StateStore } from '../../shared-state/index.js';
import { addToSlidingWindow } from '../../shared-state/index.js';
import type { AccountSecurity } from '../account-security.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export type VolumeKind = 'smtp' | 'pop3';

export type VolumeVerdict = { ok: true } | { ok: false; limit: PolicyKey; max: number };

/**
 * The windows each kind is counted in: the last hour and the last 24 hours, sliding, so a burst
 * across the turn of an hour or a day counts as one (60 slices each: minutes for the hour, 24
 * minutes for the day).
 */
const WINDOWS: Record<VolumeKind, Array<{ key: PolicyKey; span: number; name: string }>> = {
  smtp: [
    { key: 'limits.smtp.messages_per_hour', span: HOUR_MS, name: 'hour' },
    { key: 'limits.smtp.messages_per_day', span: DAY_MS, name: 'day' },
  ],
  pop3: [{ key: 'limits.pop3.messages_per_day', span: DAY_MS, name: 'day' }],
};

export const VOLUME_EXCEEDED = 'volume_exceeded';

export class VolumeLimits {
  constructor(
    private readonly deps: { state: StateStore; policies: PolicyService; security: AccountSecurity; now: () => number },
  ) {}

  /**
   * Counts `messages` (sent by SMTP submission, or downloaded by POP3 RETR) for the account. When a
   * count passes its limit the caller must refuse the message, and the account is disabled with
   * reason volume_exceeded until an admin enables it.
   */
  async count(options: { account: Account; kind: VolumeKind; messages?: number }): Promise<VolumeVerdict> {
    const now = this.deps.now();
    const domain = normalizeAddress(options.account.address).domain;
    const n = options.messages ?? 1;
    for (const window of WINDOWS[options.kind]) {
      // Read again at most once a second: this runs for every message sent or downloaded.
      const max = (await this.deps.policies.get(window.key, { domain, maxAgeMs: 1000 })) as number;
      if (max === 0) continue;
      const key = `volume:${options.kind}:${window.name}:${options.account.id}`;
      const total = await addToSlidingWindow(this.deps.state, { key, spanMs: window.span, now, amount: n });
      if (total > max) {
        await this.deps.security.disable({
          address: options.account.address,
          reason: `${VOLUME_EXCEEDED}: ${window.key} = ${max}`,
          by: { actor: 'system' },
        });
        return { ok: false, limit: window.key, max };
      }
    }
    return { ok: true };
  }
}
