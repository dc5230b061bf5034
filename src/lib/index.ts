// Public surface of the leaf helpers that every layer may use (pure functions, no I/O).
export * from './address.js';
export * from './parse-ip.js';
