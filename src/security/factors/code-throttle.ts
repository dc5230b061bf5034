// The sign-in throttle over second-factor codes: six digits must not be guessable by trying them all.
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountDomain } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { Store } from '../../store/index.js';
import { KNOWN_WINDOW_MS } from '../gate/authenticate.js';
import { canonicalIp } from '../gate/network.js';
import type { Throttle } from '../gate/throttle.js';
import { throttleLimits } from '../gate/throttle.js';

export interface CodeThrottleDeps {
  store: Pick<Store, 'loginRecords'>;
  policies: PolicyService;
  throttle: Throttle;
}

/**
 * Runs a second-factor check under the sign-in throttle (its own name key, "otp:<address>"), so
 * six digits cannot be guessed: wrong codes count per (account, IP), per network, and per account
 * from unknown addresses; a block answers AUTH_THROTTLED before any code is looked at. `check`
 * answers undefined for a wrong code, which becomes OTP_FAILED.
 */
export async function checkUnderCodeThrottle<T>(
  deps: CodeThrottleDeps,
  attempt: { account: Account; ip: string; now: number },
  check: () => Promise<T | undefined>,
): Promise<T> {
  const { account, now } = attempt;
  const username = `otp:${account.address}`;
  const ip = canonicalIp(attempt.ip);
  let known: boolean | undefined;
  const isKnownIp = async (): Promise<boolean> => {
    known ??= await deps.store.loginRecords.hasFromIp({ accountId: account.id, ip, result: 'success', since: now - KNOWN_WINDOW_MS });
    return known;
  };
  const blocked = (await deps.throttle.check({ username, ip, now, isKnownIp })).blocked;
  if (blocked) {
    throw new MailwardError('AUTH_THROTTLED', { details: { retryAfterSeconds: Math.max(1, Math.ceil((blocked.retryAt - now) / 1000)) } });
  }
  const result = await check();
  if (result === undefined) {
    const limits = await throttleLimits(deps.policies, { domain: accountDomain(account) });
    await deps.throttle.recordFailure({ username, ip, now, limits, countAccount: !(await isKnownIp()) });
    throw new MailwardError('OTP_FAILED');
  }
  await deps.throttle.recordSuccess({ username, ip });
  return result;
}
