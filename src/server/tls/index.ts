// Public surface of the TLS module: the certificate source every listener takes its TLS from.
export { TLSManager, type TLSManagerOptions, type TLSCredentials } from './tls-manager.js';
export type { TLSLogger } from './self-signed-certificate.js';
