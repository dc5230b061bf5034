// Drains the durable outbound queue: claims due rows, delivers them per message and domain, then deletes, defers or fails and bounces them.
import { isMailwardError } from '../../errors/index.js';
import type { Account } from '../../accounts/index.js';
import type { OutboundRow, Store } from '../../store/index.js';
import type { DNSResolver } from '../dns/dns-resolver.js';
import type { MailStore } from '../../mailbox/mail-store.js';
import { releaseBlob } from '../../mailbox/index.js';
import type { FailedRow } from './bounce.js';
import { Bouncer } from './bounce.js';
import type { DeliveryGroup } from './group-rows.js';
import { groupRows } from './group-rows.js';
import type { OutboundLogger, OutboundSettings } from './outbound-settings.js';
import { retryDelayMs } from './retry-schedule.js';
import { resolveRoute } from './route.js';
import type { RecipientOutcome } from './smtp-outcome.js';
import { oneLine } from './smtp-outcome.js';
import { deliverThroughHops } from './smtp-transaction.js';

export interface OutboundWorkerDeps {
  store: Store;
  /** Stores DSNs for local senders. */
  mail: MailStore;
  /** Finds a local sender (AccountService fits). */
  accounts: { resolve(address: string): Promise<Account | undefined> };
  resolver: DNSResolver;
  settings: OutboundSettings;
  logger: OutboundLogger;
  now?: () => number;
}

export interface OutboundWorkerOptions {
  /** How often the queue is looked at without a kick (other nodes, the CLI, retries coming due). Default 5 s. */
  pollMs?: number;
  /**
   * How long a claim holds (default 30 min). A worker that dies keeps its rows this long; a live
   * one gives up a delivery before its claim lapses, so no second worker ever sends the same row.
   */
  lockMs?: number;
  retryDelayMs?: (attempts: number) => number;
}

/** Failed rows stay visible (`queue list`, `queue retry`) this long after their queue lifetime ends. */
export const FAILED_RETENTION_MS = 7 * 24 * 3600_000;
const PURGE_INTERVAL_MS = 3600_000;
/** A delivery is aborted this long before its claim lapses. */
const LOCK_MARGIN_MS = 60_000;
/** Tries of a result write before the worker gives up and lets the claim lapse. */
const PERSIST_ATTEMPTS = 5;
/** Rows claimed per free slot: enough to fill a transaction with several recipients of one domain. */
const ROWS_PER_SLOT = 20;

const STOPPING = Symbol('stopping');
const DEADLINE = Symbol('deadline');

export class OutboundWorker {
  readonly #deps: OutboundWorkerDeps;
  readonly #now: () => number;
  readonly #pollMs: number;
  readonly #lockMs: number;
  readonly #retryDelay: (attempts: number) => number;
  readonly #bouncer: Bouncer;
  readonly #inFlight = new Map<Promise<void>, AbortController>();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopping = false;
  #filling: Promise<void> | null = null;
  #refill = false;
  #lastPurge = 0;
  #purging: Promise<void> | null = null;
  #dispatched = 0;

  constructor(deps: OutboundWorkerDeps, options: OutboundWorkerOptions = {}) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#pollMs = options.pollMs ?? 5000;
    this.#lockMs = Math.max(options.lockMs ?? 30 * 60_000, 2 * LOCK_MARGIN_MS);
    this.#retryDelay = options.retryDelayMs ?? retryDelayMs;
    this.#bouncer = new Bouncer({
      store: deps.store,
      mail: deps.mail,
      accounts: deps.accounts,
      hostname: deps.settings.hostname,
      now: this.#now,
      onEnqueued: () => this.kick(),
    });
  }

  /** Starts polling; rows left by a previous run (or a dead node, once its claims lapse) are picked up. */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#timer = setInterval(() => this.#tick(), this.#pollMs);
    this.#timer.unref();
    this.#tick();
  }

  /** Something was enqueued: look at the queue now rather than at the next poll. Cheap; never throws. */
  kick(): void {
    if (!this.#started || this.#stopping) return;
    void this.#fill();
  }

  /** Claims and delivers until nothing is due, waiting for every delivery (tests; works without start()). */
  async runOnce(): Promise<void> {
    for (;;) {
      const before = this.#dispatched;
      await this.#fill();
      await this.idle();
      if (this.#dispatched === before || this.#stopping) return;
    }
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.#filling || this.#inFlight.size > 0) {
      await Promise.allSettled([this.#filling, ...this.#inFlight.keys()]);
    }
  }

  /**
   * Stops claiming; deliveries in flight get `graceMs` to finish, then their connections are
   * closed and their rows released (not counted as an attempt) for the next worker.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    await Promise.all([this.#filling, this.#purging]);
    const tasks = [...this.#inFlight.keys()];
    if (tasks.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.graceMs ?? 5000);
      });
      await Promise.race([Promise.allSettled(tasks), grace]);
      clearTimeout(timer);
      for (const controller of this.#inFlight.values()) controller.abort(STOPPING);
      await Promise.allSettled(tasks);
    }
  }

  #tick(): void {
    void this.#fill();
    const now = this.#now();
    if (!this.#purging && now - this.#lastPurge >= PURGE_INTERVAL_MS) {
      this.#lastPurge = now;
      this.#purging = this.#purge()
        .catch((error: unknown) => this.#deps.logger.error({ err: error }, 'outbound: purging failed rows failed'))
        .finally(() => {
          this.#purging = null;
        });
    }
  }

  /** One claim loop at a time; a kick during it asks for one more round. */
  #fill(): Promise<void> {
    if (this.#filling) {
      this.#refill = true;
      return this.#filling;
    }
    this.#filling = (async () => {
      try {
        do {
          this.#refill = false;
          await this.#claimAndDispatch();
        } while (this.#refill && !this.#stopping);
      } catch (error) {
        this.#deps.logger.error({ err: error }, 'outbound: claiming queue rows failed');
      } finally {
        this.#filling = null;
      }
    })();
    return this.#filling;
  }

  async #claimAndDispatch(): Promise<void> {
    const { store, settings } = this.#deps;
    while (!this.#stopping) {
      const free = settings.concurrency - this.#inFlight.size;
      if (free <= 0) return;
      const limit = free * ROWS_PER_SLOT;
      const rows = await store.outbound.claimDue({ now: this.#now(), limit, lockMs: this.#lockMs });
      if (rows.length === 0) return;
      if (this.#stopping) {
        await store.outbound.release(rows);
        return;
      }
      const groups = groupRows(rows, { byDomain: settings.smarthost === null });
      // Rows beyond what we can send now go back at once instead of waiting under our claim.
      const surplus = groups.slice(free).flatMap((g) => g.rows);
      if (surplus.length > 0) await store.outbound.release(surplus);
      for (const group of groups.slice(0, free)) this.#dispatch(group);
      if (rows.length < limit || surplus.length > 0) return;
    }
  }

  #dispatch(group: DeliveryGroup): void {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(DEADLINE), this.#lockMs - LOCK_MARGIN_MS);
    deadline.unref();
    const progress = { contacted: false };
    const task = this.#deliverGroup(group, controller.signal, progress)
      .catch(async (error: unknown) => {
        const ids = group.rows.map((r) => r.id);
        if (progress.contacted) {
          // The remote may already have the message: releasing would send it again at once. The
          // claim lapses instead, and a later worker retries (at least once, never lost).
          this.#deps.logger.error({ err: error, ids, domain: group.domain }, 'outbound: recording the delivery result failed; the rows are retried when their claim lapses');
          return;
        }
        this.#deps.logger.error({ err: error, ids, domain: group.domain }, 'outbound: delivery failed unexpectedly');
        await this.#deps.store.outbound.release(group.rows).catch(() => undefined);
      })
      .finally(() => {
        clearTimeout(deadline);
        this.#inFlight.delete(task);
        if (!this.#stopping && this.#started) void this.#fill();
      });
    this.#inFlight.set(task, controller);
    this.#dispatched += 1;
  }

  /**
   * A database write after the remote answered, tried again on failure: a busy pool or a restarting
   * database must not turn a delivered message into a second delivery.
   */
  async #persist<T>(write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= PERSIST_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  async #deliverGroup(group: DeliveryGroup, signal: AbortSignal, progress: { contacted: boolean }): Promise<void> {
    const { store, resolver, settings } = this.#deps;
    let message: Buffer | undefined;
    try {
      message = await store.blobs.get(group.blobId);
    } catch (error) {
      if (!(isMailwardError(error) && error.code === 'NOT_FOUND')) throw error;
      // The body is gone (deleted by hand, a restored backup): nothing can ever be sent.
      const outcomes = group.rows.map((r) => outcomeWith(r.recipient, '5.3.0', 'the message body is missing from the store'));
      return this.#settle(group, outcomes, undefined);
    }

    const route = await resolveRoute(group.domain, { resolver, settings });
    if (signal.aborted && signal.reason === STOPPING) return store.outbound.release(group.rows);
    let outcomes: RecipientOutcome[];
    if (route.kind === 'fail') {
      const { permanent, status, diagnostic } = route.failure;
      outcomes = group.rows.map((r) => ({ recipient: r.recipient, kind: permanent ? ('permanent' as const) : ('temporary' as const), status, diagnostic }));
    } else {
      progress.contacted = true;
      const result = await deliverThroughHops(route.hops, {
        mailFrom: group.mailFrom,
        recipients: group.rows.map((r) => r.recipient),
        message,
        heloName: settings.heloName,
        connectTimeoutMs: settings.connectTimeoutMs,
        signal,
      });
      if (result.aborted) {
        if (signal.reason === STOPPING) return store.outbound.release(group.rows);
        const diagnostic = `delivery to ${group.domain} took longer than ${Math.round((this.#lockMs - LOCK_MARGIN_MS) / 60_000)} minutes`;
        outcomes = group.rows.map((r) => ({ recipient: r.recipient, kind: 'temporary' as const, status: '4.4.2', diagnostic }));
      } else {
        outcomes = result.outcomes;
      }
    }
    await this.#settle(group, outcomes, message);
  }

  /** Applies one outcome per row (same order as the group's rows). */
  async #settle(group: DeliveryGroup, outcomes: RecipientOutcome[], message: Buffer | undefined): Promise<void> {
    const { store, logger } = this.#deps;
    const now = this.#now();
    const failed: FailedRow[] = [];
    let delivered = 0;
    for (const [index, row] of group.rows.entries()) {
      const outcome = outcomes[index] ?? outcomeWith(row.recipient, '4.0.0', 'no outcome');
      const log = { id: row.id, recipient: row.recipient, domain: group.domain, remoteMTA: outcome.remoteMTA, status: outcome.status };
      if (outcome.kind === 'delivered') {
        await this.#persist(() => store.outbound.delete(row.id));
        delivered += 1;
        logger.info({ ...log, attempts: row.attempts + 1 }, 'outbound: delivered');
      } else if (outcome.kind === 'permanent') {
        failed.push(failure(row, outcome, now));
        logger.warn({ ...log, diagnostic: outcome.diagnostic }, 'outbound: failed permanently');
      } else if (now >= row.expires_at) {
        // RFC 5321 §4.5.4.1: give up after the queue lifetime; RFC 3463 X.4.7: delivery time expired.
        const expired: RecipientOutcome = { ...outcome, status: '4.4.7', diagnostic: oneLine(`delivery time expired; last error: ${outcome.diagnostic}`) };
        failed.push(failure(row, expired, now));
        logger.warn({ ...log, diagnostic: outcome.diagnostic }, 'outbound: expired');
      } else {
        const nextAttemptAt = now + this.#retryDelay(row.attempts);
        await this.#persist(() => store.outbound.defer(row.id, { nextAttemptAt, error: `${outcome.status} ${outcome.diagnostic}` }));
        logger.warn({ ...log, diagnostic: outcome.diagnostic, nextAttemptAt: new Date(nextAttemptAt).toISOString() }, 'outbound: deferred');
      }
    }
    await this.#persist(() => this.#bouncer.fail(failed, message));
    // Failed rows keep their blob (for `queue retry`) until `queue delete` or the purge; delivered ones let go of it.
    if (delivered > 0) {
      await releaseBlob(store, group.blobId).catch((error: unknown) => logger.warn({ err: error, blobId: group.blobId }, 'outbound: deleting an unused message body failed'));
    }
  }

  /** Deletes failed rows past their retention and the bodies nobody needs any more. */
  async #purge(): Promise<void> {
    const blobs = await this.#deps.store.outbound.purgeFailed({ expiredBefore: this.#now() - FAILED_RETENTION_MS, limit: 500 });
    for (const blobId of blobs) await releaseBlob(this.#deps.store, blobId);
  }
}

/** An outcome of our own making; its class follows the status (5.x.x permanent, else temporary). */
function outcomeWith(recipient: string, status: string, diagnostic: string): RecipientOutcome {
  return { recipient, kind: status.startsWith('5') ? 'permanent' : 'temporary', status, diagnostic };
}

function failure(row: OutboundRow, outcome: RecipientOutcome, now: number): FailedRow {
  return {
    row,
    failure: {
      status: outcome.status,
      diagnostic: outcome.diagnostic,
      lastAttemptAt: now,
      ...(outcome.remoteMTA ? { remoteMTA: outcome.remoteMTA } : {}),
    },
  };
}
