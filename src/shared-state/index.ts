// Public surface of shared state: interfaces, the event catalogue and the in-process implementations.
export * from './state-store.js';
export * from './events.js';
export { MemoryStateStore } from './memory/memory-state-store.js';
export { MemoryEventBus } from './memory/memory-event-bus.js';
