// Public surface of the mailbox model: mailboxes, messages, flags, UIDs, search, bodies and MIME structure.
export * from './mail-store.js';
export * from './default-mailboxes.js';
export * from './message-flags.js';
export * from './search-text.js';
export * from './line-endings.js';
export * from './mailboxes.js';
export * from './message-search.js';
export * from './mailbox-name.js';
export * from './blob-cleanup.js';
export * from './body-cache.js';
