// Public surface of mail transport: inbound delivery, submission, forwarding, the outbound queue, sender authentication, DNS and system mail.
export * from './outbound.js';
export * from './recipients.js';
export * from './trace-headers.js';
export * from './dns/dns-resolver.js';
export * from './inbound-delivery.js';
export * from './local-sender-claims.js';
export * from './submission.js';
export * from './forwarding.js';
export * from './system-mailer.js';
export * from './outbound/index.js';
export * from './sender-auth/index.js';
