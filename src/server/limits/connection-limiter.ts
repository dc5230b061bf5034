// Connections one client address (and its network) may hold on a door: a slot per connection, refusals logged once per burst.
import type { Logger } from 'pino';

/** One cap: the connections whose client addresses share a key (the host, its /24 …) count together. */
export interface ConnectionCap {
  /** What a key stands for, in log lines and replies: one client, a network, or all of a listener. */
  scope: 'address' | 'network' | 'listener';
  /** The key an address counts under (e.g. hostOf, or networkOf with the cap's prefixes). */
  keyOf: (ip: string) => string;
  max: number;
}

export type Admission =
  | { admitted: true; /** Gives the slot back; a second call does nothing. */ release: () => void }
  | { admitted: false; scope: ConnectionCap['scope']; key: string; max: number };

export interface ConnectionLimiterOptions {
  caps: ConnectionCap[];
  /** Clients no cap applies to (trusted relays, a local filter): they are neither refused nor counted. */
  exempt?: (ip: string) => boolean;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The door, for log lines ('smtp', 'imap' …). */
  door: string;
  /** A burst of refusals under one key ends after this long without another; 60 s unless told. */
  quietMs?: number;
}

interface Burst {
  refused: number;
  timer: NodeJS.Timeout;
}

const NO_SLOT = (): void => undefined;

/**
 * Counts open connections per key of every cap and refuses one that would go past a cap. A flood
 * of refused connections (a host holding its share and asking for more, a thousand times a
 * minute) must not become a flood of log lines: the first refusal of a burst is logged as a
 * warning, the rest only counted, and the count logged once the burst has been quiet for a while.
 */
export class ConnectionLimiter {
  readonly #caps: ConnectionCap[];
  readonly #counts: Array<Map<string, number>>;
  readonly #exempt: (ip: string) => boolean;
  readonly #logger: Pick<Logger, 'warn' | 'info'>;
  readonly #door: string;
  readonly #quietMs: number;
  readonly #bursts = new Map<string, Burst>();

  constructor(options: ConnectionLimiterOptions) {
    this.#caps = options.caps;
    this.#counts = options.caps.map(() => new Map<string, number>());
    this.#exempt = options.exempt ?? ((): boolean => false);
    this.#logger = options.logger;
    this.#door = options.door;
    this.#quietMs = options.quietMs ?? 60_000;
  }

  /** Takes a slot under every cap for a connection from `ip`, or says which cap is full. */
  admit(ip: string): Admission {
    if (this.#exempt(ip)) return { admitted: true, release: NO_SLOT };
    const keys = this.#caps.map((cap) => cap.keyOf(ip));
    for (const [i, cap] of this.#caps.entries()) {
      const key = keys[i]!;
      if ((this.#counts[i]!.get(key) ?? 0) >= cap.max) {
        this.#refused(cap, key, ip);
        return { admitted: false, scope: cap.scope, key, max: cap.max };
      }
    }
    for (const [i, key] of keys.entries()) this.#counts[i]!.set(key, (this.#counts[i]!.get(key) ?? 0) + 1);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        for (const [i, key] of keys.entries()) {
          const left = (this.#counts[i]!.get(key) ?? 1) - 1;
          if (left <= 0) this.#counts[i]!.delete(key);
          else this.#counts[i]!.set(key, left);
        }
      },
    };
  }

  /** Open connections counted under `key` of the cap of `scope` (for tests and metrics). */
  count(scope: ConnectionCap['scope'], key: string): number {
    const i = this.#caps.findIndex((cap) => cap.scope === scope);
    return i < 0 ? 0 : (this.#counts[i]!.get(key) ?? 0);
  }

  /** Ends every burst without its closing line (the door is closing). */
  close(): void {
    for (const burst of this.#bursts.values()) clearTimeout(burst.timer);
    this.#bursts.clear();
  }

  #refused(cap: ConnectionCap, key: string, ip: string): void {
    const id = `${cap.scope} ${key}`;
    const known = this.#bursts.get(id);
    if (known) {
      known.refused += 1;
      known.timer.refresh();
      return;
    }
    const fields = { door: this.#door, scope: cap.scope, key, max: cap.max };
    this.#logger.warn({ ...fields, client: ip }, `connection limit reached (${cap.scope}): refusing further connections`);
    const burst: Burst = {
      refused: 1,
      timer: setTimeout(() => {
        this.#bursts.delete(id);
        if (burst.refused > 1) this.#logger.info({ ...fields, refused: burst.refused }, 'connection limit burst over');
      }, this.#quietMs),
    };
    // A burst that is still being counted must not keep a stopping process alive.
    burst.timer.unref();
    this.#bursts.set(id, burst);
  }
}
