// Public surface of the accounts module.
export * from './account-service.js';
export * from './first-run.js';
export * from './password-hasher.js';
export * from './password-strength.js';
export * from './policy-schema.js';
export * from './policy-service.js';
export type { AccountRow, AliasRow, DomainRow } from '../store/index.js';
