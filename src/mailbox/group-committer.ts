// Commits concurrent units of work together: one transaction (one WAL fsync) for every unit that queued while the previous group ran.
import type { Repositories } from '../store/index.js';

/** A unit's writes; it may run twice (in a group, then alone after the group failed), so it must write only through `tx`. */
export type UnitOfWork<T> = (tx: Repositories) => Promise<T>;

interface Queued {
  work: UnitOfWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitterOptions {
  /** Most units in one transaction (default 64): bounds how long the write lock is held and how much one failure retries. */
  maxGroup?: number;
  /**
   * Under concurrent load (a unit arrived less than this long after the one before), a group
   * waits this long (ms, default 3) for more units before it starts; a lone unit starts at once.
   */
  gatherMs?: number;
}

const DEFAULT_MAX_GROUP = 64;
const DEFAULT_GATHER_MS = 3;

/**
 * Group commit. Every caller's promise settles only after the transaction holding its unit has
 * committed, so durability is that of a transaction of its own; what is shared is the COMMIT and
 * its fsync (synchronous = FULL on SQLite, the WAL flush on PostgreSQL), the largest cost of a
 * small write.
 *
 * A group starts from a macrotask, not at once: SQLite runs synchronously, so a group started
 * inside an I/O callback would be over before the other callbacks of the same event-loop turn
 * could queue their units, and every group would hold one unit. Under concurrent load it waits a
 * few milliseconds more (gatherMs), during which the event loop serves the other sessions, whose
 * messages then join: with sixteen SMTP sessions on one thread this made groups of about seven
 * instead of three, and each COMMIT (its fsync blocks the event loop) costs about a millisecond.
 * A lone delivery on a quiet server does not wait.
 *
 * One unit's failure must not fail the others: when a group's transaction fails, it is rolled back
 * whole and every unit is run again in a transaction of its own, so each caller gets its own
 * outcome. Units run one after another in queue order, so allocation inside them (UIDs, MODSEQs)
 * follows arrival order as it would without grouping.
 */
export class GroupCommitter {
  readonly #transaction: <T>(work: (tx: Repositories) => Promise<T>) => Promise<T>;
  readonly #maxGroup: number;
  readonly #gatherMs: number;
  #queue: Queued[] = [];
  #lastArrival = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #running = false;

  constructor(transaction: <T>(work: (tx: Repositories) => Promise<T>) => Promise<T>, options: GroupCommitterOptions = {}) {
    this.#transaction = transaction;
    this.#maxGroup = Math.max(1, options.maxGroup ?? DEFAULT_MAX_GROUP);
    this.#gatherMs = Math.max(0, options.gatherMs ?? DEFAULT_GATHER_MS);
  }

  /** Runs `work` inside a transaction shared with other units; resolves after that transaction committed. */
  run<T>(work: UnitOfWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      const now = performance.now();
      const concurrent = now - this.#lastArrival < this.#gatherMs;
      this.#lastArrival = now;
      this.#schedule({ gather: concurrent });
    });
  }

  #schedule(options: { gather: boolean }): void {
    if (this.#running) return;
    if (this.#queue.length >= this.#maxGroup && this.#timer) {
      // Full: no reason to wait longer.
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#scheduled = false;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    const start = (): void => {
      this.#timer = undefined;
      this.#scheduled = false;
      void this.#drain();
    };
    if (options.gather && this.#gatherMs > 0 && this.#queue.length < this.#maxGroup) this.#timer = setTimeout(start, this.#gatherMs);
    else setImmediate(start);
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue.splice(0, this.#maxGroup);
        if (group.length === 1) await this.#runAlone(group[0]!);
        else await this.#runGroup(group);
        // Let I/O callbacks of this turn queue their units before the next group starts.
        if (this.#queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) this.#schedule({ gather: false });
    }
  }

  async #runGroup(group: Queued[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.#transaction(async (tx) => {
        const out: unknown[] = [];
        for (const unit of group) out.push(await unit.work(tx));
        return out;
      });
    } catch {
      // Which unit failed (or whether the COMMIT did) is not known here: each one alone decides.
      for (const unit of group) await this.#runAlone(unit);
      return;
    }
    group.forEach((unit, i) => unit.resolve(results[i]));
  }

  async #runAlone(unit: Queued): Promise<void> {
    try {
      unit.resolve(await this.#transaction((tx) => unit.work(tx)));
    } catch (error) {
      unit.reject(error);
    }
  }
}
