// StateStore in this process's memory: for one process alone (tests, tools); it dies with the process.
import type { StateEntry, StateStore, StateUpdate } from '../state-store.js';

export class MemoryStateStore implements StateStore {
  readonly #entries = new Map<string, { value: unknown; expiresAt: number }>();

  async get<T>(key: string, now: number): Promise<T | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.value) as T;
  }

  async update<T>(key: string, now: number, change: (current: T | undefined) => StateUpdate<T>): Promise<T | undefined> {
    // Synchronous between read and write: nothing else in this process can interleave.
    const entry = this.#entries.get(key);
    const current = entry && entry.expiresAt > now ? (structuredClone(entry.value) as T) : undefined;
    const next = change(current);
    if (next === undefined) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.set(key, { value: structuredClone(next.value), expiresAt: now + next.ttlMs });
    return next.value;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async scan<T>(prefix: string, now: number): Promise<Array<StateEntry<T>>> {
    const out: Array<StateEntry<T>> = [];
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
      else if (key.startsWith(prefix)) out.push({ key, value: structuredClone(entry.value) as T, expiresAt: entry.expiresAt });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
