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

/** A sliding window's counters: [slice number, count] pairs, slice numbers counted from the epoch. */
type Slices = Array<[number, number]>;

/**
 * Adds `amount` at `now` to a sliding window `spanMs` long and returns the window's new total. A
 * fixed window (addToWindow) lets a burst across its turn count in two windows, twice the limit
 * within minutes; this one is kept as `slices` counters (60 by default: the minutes of an hour),
 * so its value stays small however busy the key. A slice leaves the window whole once its start
 * is `spanMs` old, so the total covers at least the last `spanMs` minus one slice, never more
 * than `spanMs`. The entry lives until its newest slice has left.
 */
export async function addToSlidingWindow(state: StateStore, options: { key: string; spanMs: number; now: number; amount?: number; slices?: number }): Promise<number> {
  const { spanMs, now } = options;
  const amount = options.amount ?? 1;
  const slices = options.slices ?? 60;
  const width = spanMs / slices;
  const current = Math.floor(now / width);
  const oldest = current - slices + 1;
  const next = await state.update<Slices>(options.key, now, (existing) => {
    // Slices ahead of `now` stay: another node's clock may run a little ahead of this one's.
    const kept = (Array.isArray(existing) ? existing : []).filter(([slice]) => slice >= oldest);
    const at = kept.findIndex(([slice]) => slice === current);
    const value: Slices =
      at === -1 ? [...kept, [current, amount] as [number, number]].sort((a, b) => a[0] - b[0]) : kept.map(([slice, count], i) => [slice, i === at ? count + amount : count]);
    const newest = value[value.length - 1]![0];
    return { value, ttlMs: newest * width + spanMs - now + 60_000 };
  });
  return (next ?? []).reduce((total, [, count]) => total + count, 0);
}
