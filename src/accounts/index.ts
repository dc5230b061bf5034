// Public surface of the accounts module: its values (Account, Alias, Domain) and services; the rows stay inside.
export type { Account, AccountChanges, AccountStatus, Alias, Domain } from './account.js';
export * from './account-records.js';
export * from './account-service.js';
export * from './first-run.js';
export * from './password-hasher.js';
export * from './password-strength.js';
export * from './policy-schema.js';
export * from './policy-service.js';
export * from './profile-service.js';
