// Expiring shared records (throttle counters, volume counters): one node's memory, a local file, or Redis.

export interface StateEntry<T> {
  key: string;
  value: T;
  /** Epoch ms after which the entry no longer exists. */
  expiresAt: number;
}

/** What an update returns: the new value and how long it lives from `now`, or undefined to delete. */
export type StateUpdate<T> = { value: T; ttlMs: number } | undefined;

/**
 * Every implementation makes `update` atomic across all its users (processes and nodes included),
 * so two failed logins at once never lose a count. Time is passed in, never read.
 */
export interface StateStore {
  get<T>(key: string, now: number): Promise<T | undefined>;
  update<T>(key: string, now: number, change: (current: T | undefined) => StateUpdate<T>): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /** Live entries whose key starts with `prefix` (for admin listings; not for hot paths). */
  scan<T>(prefix: string, now: number): Promise<Array<StateEntry<T>>>;
  close(): Promise<void>;
}

/**
 * Adds `amount` to the counter of the current fixed window (`spanMs` long, aligned to the epoch,
 * so hours and days are UTC calendar ones) and returns the window's new total. The entry lives
 * a minute past its window.
 */
export async function addToWindow(state: StateStore, options: { key: string; spanMs: number; now: number; amount?: number }): Promise<number> {
  const { spanMs, now } = options;
  const amount = options.amount ?? 1;
  const bucket = Math.floor(now / spanMs);
  const ttlMs = (bucket + 1) * spanMs - now + 60_000;
  return (await state.update<number>(`${options.key}:${bucket}`, now, (current) => ({ value: (current ?? 0) + amount, ttlMs }))) ?? amount;
}
