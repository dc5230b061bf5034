// Creates, reuses and renews the self-signed certificate Mailward serves when none is configured.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { MailwardError } from '../../errors/index.js';
import { parseTLSMaterial, TLSMaterialError, type TLSMaterial } from './tls-material.js';

/** The structured logger TLS code writes to (pino fits); key material is never passed to it. */
export interface TLSLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const SELF_SIGNED_CERT_FILE = 'selfsigned-cert.pem';
export const SELF_SIGNED_KEY_FILE = 'selfsigned-key.pem';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * 365 days: well under the 825-day ceiling Apple platforms enforce on TLS server certificates
 * (also user-trusted ones), and short enough that a leaked key does not stay useful for long.
 */
const VALIDITY_MS = 365 * DAY_MS;
/** Renew this long before expiry, so a long-running server never serves an expired certificate. */
export const SELF_SIGNED_RENEW_BEFORE_MS = 30 * DAY_MS;
/** Backdated so clients whose clock runs a little behind do not see "not yet valid". */
const BACKDATE_MS = 60 * 60 * 1000;
/** Temp files older than this are debris of a crash, not another process's write in progress. */
const STALE_TEMP_MS = 60 * 1000;
const TEMP_FILE = /^selfsigned-(?:cert|key)\.pem\.[0-9]+\.[0-9a-f]+\.tmp$/;

export interface SelfSignedPaths {
  dir: string;
  certFile: string;
  keyFile: string;
}

/** Where the self-signed pair lives inside the data directory. */
export function selfSignedPaths(dataDir: string): SelfSignedPaths {
  const dir = path.join(path.resolve(dataDir), 'tls');
  return { dir, certFile: path.join(dir, SELF_SIGNED_CERT_FILE), keyFile: path.join(dir, SELF_SIGNED_KEY_FILE) };
}

export interface SelfSignedCertificateOptions {
  dataDir: string;
  /** Lower-case host name or IP literal the certificate is issued for. */
  hostname: string;
  logger: TLSLogger;
  /** The current time; defaults to the clock. */
  now?: Date;
}

/**
 * Returns the pair in `<dataDir>/tls/`, generating a new one when it is missing, corrupt, issued
 * for another host name or close to expiry. Reusing it keeps the fingerprint stable, which
 * matters because users of a self-signed server trust (pin) exactly this certificate.
 */
export async function loadOrCreateSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<TLSMaterial> {
  const paths = selfSignedPaths(options.dataDir);
  const now = options.now ?? new Date();
  await prepareDirectory(paths.dir, now);

  const existing = await readExisting(paths, options.logger);
  if (existing !== undefined) {
    const reason = selfSignedRenewalReason(existing, { hostname: options.hostname, now });
    if (reason === undefined) {
      await tightenKeyMode(paths.keyFile, options.logger);
      return existing;
    }
    options.logger.info(
      { certFile: paths.certFile, fingerprint: existing.fingerprint, reason },
      'tls: replacing self-signed certificate',
    );
  }
  return createSelfSignedCertificate({ ...options, now });
}

/** Why an existing self-signed certificate must be replaced, or undefined when it can stay. */
export function selfSignedRenewalReason(
  material: TLSMaterial,
  options: { hostname: string; now: Date },
): string | undefined {
  const { leaf } = material;
  if (new Date(leaf.validTo).getTime() - options.now.getTime() < SELF_SIGNED_RENEW_BEFORE_MS) {
    return 'expires within 30 days';
  }
  if (new Date(leaf.validFrom).getTime() > options.now.getTime()) {
    return 'not valid yet (clock changed?)';
  }
  if (!isIssuedFor(material, options.hostname)) {
    return 'issued for another host name';
  }
  return undefined;
}

/** Generates a fresh pair for `hostname` and stores it atomically in `<dataDir>/tls/`. */
export async function createSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<TLSMaterial> {
  const paths = selfSignedPaths(options.dataDir);
  const now = options.now ?? new Date();
  await prepareDirectory(paths.dir, now);

  const { hostname } = options;
  const altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [
    isIP(hostname) ? { type: 7, ip: hostname } : { type: 2, value: hostname },
  ];
  if (hostname !== 'localhost') altNames.push({ type: 2, value: 'localhost' });
  if (hostname !== '127.0.0.1') altNames.push({ type: 7, ip: '127.0.0.1' });

  // RSA 2048 rather than EC: some MTAs and older mail clients still offer no ECDSA suites,
  // and opportunistic STARTTLS between MTAs silently falls back to plain text when TLS fails.
  // Loaded only when a certificate is made (its dependencies are large, and a running server rarely needs them).
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - BACKDATE_MS),
    notAfterDate: new Date(now.getTime() + VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  const material = parseTLSMaterial({ cert: pems.cert, key: pems.private });

  // Key first: a crash between the two renames leaves a mismatched pair, which the next start
  // detects and replaces, never a certificate whose key is half-written.
  await writeFileAtomic(paths.keyFile, material.credentials.key, 0o600);
  // The certificate is public, but nothing in the data directory is for other local users.
  await writeFileAtomic(paths.certFile, material.credentials.cert, 0o600);
  await syncDirectory(paths.dir);

  options.logger.info(
    { certFile: paths.certFile, hostname, fingerprint: material.fingerprint, validTo: material.leaf.validTo },
    'tls: generated self-signed certificate',
  );
  return material;
}

function isIssuedFor(material: TLSMaterial, hostname: string): boolean {
  const { leaf } = material;
  const commonName = leaf.subject
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3);
  if (commonName?.toLowerCase() !== hostname) return false;
  const dnsNames = (leaf.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  const hostCovered = isIP(hostname) ? leaf.checkIP(hostname) !== undefined : dnsNames.includes(hostname);
  return hostCovered && dnsNames.includes('localhost') && leaf.checkIP('127.0.0.1') !== undefined;
}

async function readExisting(paths: SelfSignedPaths, logger: TLSLogger): Promise<TLSMaterial | undefined> {
  const [cert, key] = await Promise.all([readOptional(paths.certFile), readOptional(paths.keyFile)]);
  if (cert === undefined && key === undefined) return undefined; // first start
  if (cert === undefined || key === undefined) {
    logger.warn(
      { certFile: paths.certFile, keyFile: paths.keyFile, missing: cert === undefined ? 'cert' : 'key' },
      'tls: self-signed certificate is incomplete; generating a new one',
    );
    return undefined;
  }
  try {
    return parseTLSMaterial({ cert, key });
  } catch (error) {
    if (!(error instanceof TLSMaterialError)) throw error;
    logger.warn(
      { certFile: paths.certFile, keyFile: paths.keyFile, fault: error.fault, reason: error.reason },
      'tls: self-signed certificate files are corrupt; generating new ones',
    );
    return undefined;
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw storageError(`cannot read ${file}`, error);
  }
}

/** The directory holds a private key: owner only, whatever it was created with before. */
async function prepareDirectory(dir: string, now: Date): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await chmod(dir, 0o700);
    for (const name of await readdir(dir)) {
      if (!TEMP_FILE.test(name)) continue;
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info !== undefined && now.getTime() - info.mtimeMs > STALE_TEMP_MS) await unlink(file).catch(() => undefined);
    }
  } catch (error) {
    throw storageError(`cannot prepare ${dir}`, error);
  }
}

async function tightenKeyMode(keyFile: string, logger: TLSLogger): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const { mode } = await stat(keyFile);
    if ((mode & 0o077) === 0) return;
    await chmod(keyFile, 0o600);
    logger.warn({ keyFile, mode: (mode & 0o777).toString(8) }, 'tls: self-signed key was readable by others; set to 0600');
  } catch (error) {
    throw storageError(`cannot secure ${keyFile}`, error);
  }
}

/**
 * Temp file + fsync + rename: readers (and a restart after a crash) see the old file or the
 * complete new one, never a truncated key. The temp file is created with its final mode, so
 * the key is never readable by others, not even for a moment.
 */
async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw storageError(`cannot write ${file}`, error);
  }
}

/** Makes the renames themselves durable; not possible on every platform, hence best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a directory; the renames are still atomic there.
  }
}

function storageError(what: string, cause: unknown): MailwardError {
  const code = errorCode(cause);
  return new MailwardError('STORAGE_UNAVAILABLE', {
    message: `tls: ${what}${code === undefined ? '' : ` (${code})`}`,
    cause,
  });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
