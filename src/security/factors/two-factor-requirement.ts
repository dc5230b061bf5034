// auth.require_2fa for one account: whether two-factor sign-in is required of it, the grace left, and when sign-in must lead straight to enrolment.
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountDomain } from '../../lib/index.js';
import type { Store } from '../../store/index.js';
import type { LoginRecords } from '../gate/login-records.js';

const DAY_MS = 24 * 3600_000;

export interface TwoFactorRequirement {
  /** auth.require_2fa applies to the account. */
  required: boolean;
  /** When the grace period ends (ms); null when nothing is required or the account is enrolled. */
  graceEndsAt: number | null;
  /** Web sign-ins left before enrolment is forced (auth.require_2fa_grace_logins); null when not counted. */
  graceLoginsLeft: number | null;
  /** Sign-in must lead straight to enrolment. */
  mustEnroll: boolean;
}

export interface TwoFactorRequirementDeps {
  store: Pick<Store, 'loginRecords'>;
  policies: PolicyService;
  /** Queued login records are written before the grace sign-ins are counted. */
  loginRecords: Pick<LoginRecords, 'flush'>;
}

/**
 * auth.require_2fa for this account. The grace period (auth.require_2fa_grace_days) counts from
 * when the policy in force was set, or from the account's creation if that is later, so turning
 * the policy on never locks out at once everyone who signs in rarely.
 */
export async function twoFactorRequirement(deps: TwoFactorRequirementDeps, account: Account, now: number): Promise<TwoFactorRequirement> {
  const domain = accountDomain(account);
  const entry = await deps.policies.entry('auth.require_2fa', { domain });
  if (entry.value !== true) return { required: false, graceEndsAt: null, graceLoginsLeft: null, mustEnroll: false };
  if (account.twoFactorEnabled) return { required: true, graceEndsAt: null, graceLoginsLeft: null, mustEnroll: false };
  const since = Math.max(account.createdAt, (await deps.policies.setAt(entry)) ?? 0);
  const graceEndsAt = since + (await deps.policies.get('auth.require_2fa_grace_days', { domain })) * DAY_MS;
  const graceLogins = await deps.policies.get('auth.require_2fa_grace_logins', { domain });
  let graceLoginsLeft: number | null = null;
  let outOfLogins = false;
  if (graceLogins > 0) {
    await deps.loginRecords.flush();
    // The sign-in being made now is counted already: with N allowed, the (N+1)th leads to enrolment.
    const used = await deps.store.loginRecords.countSuccesses({ accountId: account.id, protocol: 'web', since, cap: graceLogins + 1 });
    graceLoginsLeft = Math.max(0, graceLogins - used);
    outOfLogins = used > graceLogins;
  }
  return { required: true, graceEndsAt, graceLoginsLeft, mustEnroll: now >= graceEndsAt || outOfLogins };
}
