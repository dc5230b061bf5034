// EventBus within one process, optionally linked to the other processes of the same server: handlers run after the publisher's current step, and one failing handler harms no other.
import type { EventBus, EventLink, MailwardEvent, SubscribeOptions } from '../events.js';

interface Entry {
  handler: (event: MailwardEvent) => void;
  types: Set<string> | undefined;
  localOnly: boolean;
}

export class MemoryEventBus implements EventBus {
  readonly #handlers = new Set<Entry>();
  readonly #onError: (error: unknown, event: MailwardEvent) => void;
  readonly #link: EventLink | undefined;

  constructor(options: { onError?: (error: unknown, event: MailwardEvent) => void; link?: EventLink } = {}) {
    this.#onError = options.onError ?? (() => undefined);
    this.#link = options.link;
    this.#link?.onReceive((event) => this.#deliver(event, { remote: true }));
  }

  async publish(event: MailwardEvent): Promise<void> {
    this.#deliver(event, { remote: false });
    this.#link?.send(event);
  }

  subscribe(handler: (event: MailwardEvent) => void, options: SubscribeOptions = {}): () => void {
    const entry: Entry = { handler, types: options.types ? new Set(options.types) : undefined, localOnly: options.origin === 'local' };
    this.#handlers.add(entry);
    return () => {
      this.#handlers.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    this.#link?.close?.();
  }

  #deliver(event: MailwardEvent, options: { remote: boolean }): void {
    for (const entry of [...this.#handlers]) {
      if (entry.types && !entry.types.has(event.type)) continue;
      if (options.remote && entry.localOnly) continue;
      queueMicrotask(() => {
        try {
          entry.handler(event);
        } catch (error) {
          this.#onError(error, event);
        }
      });
    }
  }
}
