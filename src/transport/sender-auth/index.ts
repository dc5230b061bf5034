// Public surface of sender authentication: DKIM keys and signing, SPF/DKIM/DMARC/ARC checks, Authentication-Results, SRS.
export * from './authentication-results.js';
export * from './dkim-keys.js';
export * from './dkim-signer.js';
export * from './mailauth-resolver.js';
export * from './sender-authenticator.js';
export * from './srs.js';
