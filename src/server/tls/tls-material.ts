// Checks that a PEM certificate (chain) and private key form one pair Node's TLS stack can serve.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import tls from 'node:tls';

/** PEM material in the shape `tls.createServer`, `setSecureContext` and smtp-server take. */
export interface TLSCredentials {
  /** Leaf certificate first, then any intermediates. */
  cert: string;
  key: string;
}

/** A validated pair and what was derived from it once, so listeners never re-parse. */
export interface TLSMaterial {
  credentials: TLSCredentials;
  secureContext: tls.SecureContext;
  leaf: X509Certificate;
  /** SHA-256 of the leaf certificate, colon hex. */
  fingerprint: string;
}

/** Which half of the pair is at fault, so the caller can name the right file. */
export type TLSMaterialFault = 'cert' | 'key' | 'pair';

/** Why a pair cannot be served; `reason` is one line and never contains key material. */
export class TLSMaterialError extends Error {
  readonly fault: TLSMaterialFault;
  readonly reason: string;

  constructor(fault: TLSMaterialFault, reason: string, options: { cause?: unknown } = {}) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TLSMaterialError';
    this.fault = fault;
    this.reason = reason;
  }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY_BLOCK = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/**
 * Parses and cross-checks `credentials`; throws TLSMaterialError naming the faulty half.
 * Both checks are needed: `checkPrivateKey` gives a clear "does not match" answer, while
 * `createSecureContext` is what the listeners will really do and also rejects bad intermediates.
 */
export function parseTLSMaterial(credentials: TLSCredentials): TLSMaterial {
  if (!CERTIFICATE_BLOCK.test(credentials.cert)) {
    throw new TLSMaterialError('cert', 'contains no PEM certificate');
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(credentials.cert);
  } catch (error) {
    throw new TLSMaterialError('cert', `is not a valid PEM certificate (${describeCryptoError(error)})`, { cause: error });
  }

  if (!PRIVATE_KEY_BLOCK.test(credentials.key)) {
    throw new TLSMaterialError('key', 'contains no PEM private key');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(credentials.key);
  } catch (error) {
    // A passphrase would have to live in the config next to the key, which protects nothing.
    const encrypted = (error as { code?: unknown }).code === 'ERR_MISSING_PASSPHRASE';
    throw new TLSMaterialError(
      'key',
      encrypted
        ? 'is encrypted; passphrase-protected keys are not supported'
        : `is not a valid PEM private key (${describeCryptoError(error)})`,
      { cause: error },
    );
  }

  if (!leaf.checkPrivateKey(key)) {
    throw new TLSMaterialError('pair', 'the private key does not match the first certificate');
  }

  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext({ cert: credentials.cert, key: credentials.key });
  } catch (error) {
    throw new TLSMaterialError('cert', `is rejected by TLS (${describeCryptoError(error)})`, { cause: error });
  }

  return { credentials: { ...credentials }, secureContext, leaf, fingerprint: leaf.fingerprint256 };
}

/**
 * One line from an OpenSSL/Node error. These messages name routines and reasons, never the
 * input bytes, so they are safe to log; newlines are folded so a log line stays one line.
 */
export function describeCryptoError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/\s+/g, ' ').trim().slice(0, 200);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
