// Public surface of outbound delivery: the worker, routing, DSNs and the admin view of the queue.
export * from './outbound-settings.js';
export * from './outbound-worker.js';
export * from './outbound-queue-admin.js';
export * from './route.js';
export * from './dsn.js';
export * from './bounce.js';
export * from './retry-schedule.js';
export type { RecipientOutcome, OutcomeKind } from './smtp-outcome.js';
export type { OutboundRow } from '../../store/index.js';
