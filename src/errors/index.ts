// Public surface of the error module.
export * from './mailward-error.js';
