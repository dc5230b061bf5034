// EventBus within one process: handlers run after the publisher's current step, and one failing handler harms no other.
import type { EventBus, MailwardEvent, MailwardEventType } from '../events.js';

export class MemoryEventBus implements EventBus {
  readonly #handlers = new Set<{ handler: (event: MailwardEvent) => void; types: Set<MailwardEventType> | undefined }>();
  readonly #onError: (error: unknown, event: MailwardEvent) => void;

  constructor(options: { onError?: (error: unknown, event: MailwardEvent) => void } = {}) {
    this.#onError = options.onError ?? (() => undefined);
  }

  async publish(event: MailwardEvent): Promise<void> {
    for (const entry of [...this.#handlers]) {
      if (entry.types && !entry.types.has(event.type)) continue;
      queueMicrotask(() => {
        try {
          entry.handler(event);
        } catch (error) {
          this.#onError(error, event);
        }
      });
    }
  }

  subscribe(handler: (event: MailwardEvent) => void, options: { types?: MailwardEventType[] } = {}): () => void {
    const entry = { handler, types: options.types ? new Set(options.types) : undefined };
    this.#handlers.add(entry);
    return () => {
      this.#handlers.delete(entry);
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
