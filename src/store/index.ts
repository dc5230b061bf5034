// Public surface of the store: interfaces, the opener and row types. Only this folder knows SQL.
export * from './store.js';
export type * from './schema.js';
export type { BlobStore, BlobRef, BlobInput } from './blobs/blob-store.js';
export type { DomainRepository } from './repositories/domain-repository.js';
export type { AccountRepository } from './repositories/account-repository.js';
export type { AliasRepository } from './repositories/alias-repository.js';
export type { PolicyRepository } from './repositories/policy-repository.js';
export { GLOBAL_SCOPE, domainScope } from './repositories/policy-repository.js';
export { maskDatabaseURL } from './dialects/postgres/postgres-database.js';
export type { LoginRecordRepository, LoginRecordQuery, MailClientRow } from './repositories/login-record-repository.js';
export type { AppPasswordRepository } from './repositories/app-password-repository.js';
export type { AuditRepository, AuditQuery } from './repositories/audit-repository.js';
export type { FlagColumns, MailRepository, MessageFlagsRow, NewMessage } from './repositories/mail-repository.js';
export type { OutboundRepository } from './repositories/outbound-repository.js';
export type { DKIMRepository } from './repositories/dkim-repository.js';
export type { ForwardingRepository } from './repositories/forwarding-repository.js';
export type { TwoFactorRepository } from './repositories/two-factor-repository.js';
