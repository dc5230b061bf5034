// One POP3 session per maildrop (RFC 1939 §8: the server locks it), held in the shared StateStore so it holds across processes and nodes.
import type { StateStore } from '../../shared-state/index.js';

/** How long a lock lives without renewal: a crashed node's lock frees itself after this. */
export const MAILDROP_LOCK_TTL_MS = 60_000;

interface LockValue {
  owner: string;
  expiresAt: number;
}

export interface MaildropLockOptions {
  state: StateStore;
  mailboxId: number;
  /** Unique per session. */
  owner: string;
  now: () => number;
  ttlMs?: number;
  /** Called when a renewal finds the lock taken by another session (it expired while we stalled). */
  onLost: () => void;
  onError: (error: unknown) => void;
}

/**
 * The lock is an expiring StateStore entry renewed every third of its TTL while the session lives.
 * IMAP and webmail do not take it: they go on working on the same INBOX, and the POP3 session
 * copes with messages they expunge.
 */
export class MaildropLock {
  readonly #options: MaildropLockOptions & { ttlMs: number };
  readonly #key: string;
  #timer: NodeJS.Timeout | undefined;
  #released = false;

  private constructor(options: MaildropLockOptions & { ttlMs: number }) {
    this.#options = options;
    this.#key = `pop3:maildrop:${options.mailboxId}`;
  }

  /** The lock, or undefined when another session holds it. */
  static async acquire(options: MaildropLockOptions): Promise<MaildropLock | undefined> {
    const lock = new MaildropLock({ ...options, ttlMs: options.ttlMs ?? MAILDROP_LOCK_TTL_MS });
    if (!(await lock.#take())) return undefined;
    lock.#timer = setInterval(() => void lock.#renew(), Math.max(10, Math.floor(lock.#options.ttlMs / 3)));
    lock.#timer.unref();
    return lock;
  }

  /** Takes or renews the lock; false when someone else holds it. */
  async #take(): Promise<boolean> {
    const { state, owner, now: clock, ttlMs } = this.#options;
    const now = clock();
    const value = await state.update<LockValue>(this.#key, now, (current) => {
      // Someone else's live lock stays exactly as it is, expiry included.
      if (current && current.owner !== owner) return { value: current, ttlMs: Math.max(1, current.expiresAt - now) };
      return { value: { owner, expiresAt: now + ttlMs }, ttlMs };
    });
    return value?.owner === owner;
  }

  async #renew(): Promise<void> {
    if (this.#released) return;
    try {
      if (!(await this.#take()) && !this.#released) {
        this.#stop();
        this.#options.onLost();
      }
    } catch (error) {
      // A store hiccup: the next renewal (well before expiry) tries again.
      this.#options.onError(error);
    }
  }

  #stop(): void {
    this.#released = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Frees the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#stop();
    const { state, owner, now: clock } = this.#options;
    const now = clock();
    await state.update<LockValue>(this.#key, now, (current) => {
      if (!current || current.owner === owner) return undefined;
      return { value: current, ttlMs: Math.max(1, current.expiresAt - now) };
    });
  }
}
