// Public surface of the kernel: what every part of the core stands on (the server key, the audit log and who acted, system mail).
export * from './actor.js';
export * from './audit-log.js';
export * from './server-key.js';
export * from './security-mailer.js';
