// Public surface of the security core.
export * from './security.js';
export * from './authenticate.js';
export * from './account-security.js';
export * from './app-passwords.js';
export * from './audit-log.js';
export * from './backup-codes.js';
export * from './geoip.js';
export * from './login-records.js';
export * from './network.js';
export * from './policy-changes.js';
export * from './server-key.js';
export * from './session-registry.js';
export * from './throttle.js';
export * from './totp.js';
export * from './two-factor.js';
export * from './volume-limits.js';
