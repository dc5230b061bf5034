// When a temporarily failed recipient is tried again: exponential back-off, capped, until the queue lifetime ends.

export const FIRST_RETRY_MS = 5 * 60_000;
export const MAX_RETRY_MS = 4 * 3600_000;

/**
 * 5, 10, 20, 40, 80, 160 minutes, then every 4 hours. `attempts` counts the attempts made before
 * the one that just failed (0 after the first). With the 5-day lifetime this is about 33 tries.
 */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts, 20));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
}
