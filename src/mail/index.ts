// Public surface of the mail module.
export * from './mail-store.js';
export * from './default-mailboxes.js';
export * from './message-flags.js';
export * from './search-text.js';
export * from './line-endings.js';
export * from './outbound.js';
export * from './recipients.js';
export * from './trace-headers.js';
export * from './dns/dns-resolver.js';
export * from './inbound-delivery.js';
export * from './submission.js';
export * from './forwarding.js';
export * from './mailboxes.js';
export * from './message-search.js';
export * from './mailbox-name.js';
export * from './system-mailer.js';
