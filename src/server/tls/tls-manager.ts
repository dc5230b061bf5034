// The one source of TLS certificates for every Mailward listener, kept current without a restart.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type tls from 'node:tls';
import { MailwardError } from '../../errors/index.js';
import {
  createSelfSignedCertificate,
  loadOrCreateSelfSignedCertificate,
  selfSignedRenewalReason,
  type TLSLogger,
} from './self-signed-certificate.js';
import { parseTLSMaterial, TLSMaterialError, type TLSCredentials, type TLSMaterial } from './tls-material.js';

export interface TLSManagerOptions {
  /** Data directory; without certFile/keyFile the self-signed pair is kept in `<dataDir>/tls/`. */
  dataDir: string;
  /** CN and DNS SAN of the self-signed certificate ('localhost' and 127.0.0.1 are added). */
  hostname: string;
  /**
   * PEM certificate chain (leaf first), e.g. certbot's fullchain.pem; set together with keyFile.
   * Default: none, and a self-signed certificate is served, which clients will not trust until
   * the user accepts it, so production setups should configure a real one.
   */
  certFile?: string;
  /** PEM private key of certFile's leaf, unencrypted (e.g. certbot's privkey.pem). Default: none. */
  keyFile?: string;
  /**
   * How often certFile/keyFile are checked for changes, in ms. Default 2000: a renewed
   * certificate is served within seconds, at the cost of reading two small files that often.
   */
  watchIntervalMs?: number;
  /** Where load, reload and rejection are reported. Default: nowhere. Key material is never logged. */
  logger?: TLSLogger;
}

export type { TLSCredentials } from './tls-material.js';

const DEFAULT_WATCH_INTERVAL_MS = 2000;
/** How often a running server checks whether its self-signed certificate is due for renewal. */
const SELF_SIGNED_CHECK_INTERVAL_MS = 12 * 60 * 60 * 1000;
const SILENT_LOGGER: TLSLogger = { info: () => undefined, warn: () => undefined };

type ConfiguredFiles = { certFile: string; keyFile: string };

/**
 * Holds the current certificate and key and hands them to listeners. Configured files are
 * polled by content rather than watched with fs.watch: polling by path survives the
 * rename-replace and symlink swaps that certbot and config managers do, and comparing content
 * catches in-place rewrites that mtime granularity can hide.
 */
export class TLSManager {
  #material: TLSMaterial;
  readonly #files: ConfiguredFiles | undefined;
  readonly #options: TLSManagerOptions & { hostname: string; watchIntervalMs: number; logger: TLSLogger };
  readonly #listeners = new Set<(credentials: TLSCredentials) => void>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Digest of the certFile+keyFile content that is served, or was last rejected (not logged twice). */
  #servedDigest: string;
  #rejectedDigest: string | undefined;
  #lastReadProblem: string | undefined;

  private constructor(
    material: TLSMaterial,
    files: ConfiguredFiles | undefined,
    options: TLSManagerOptions & { hostname: string; watchIntervalMs: number; logger: TLSLogger },
  ) {
    this.#material = material;
    this.#files = files;
    this.#options = options;
    this.#servedDigest = digestOf(material.credentials);
  }

  /**
   * Loads the configured pair (throwing CONFIG_INVALID when it is unusable) or the self-signed
   * one (generating it when needed), then starts watching for changes.
   */
  static async open(options: TLSManagerOptions): Promise<TLSManager> {
    const hostname = options.hostname.trim().toLowerCase().replace(/\.$/, '');
    if (hostname === '' || /[\s/]/.test(hostname)) {
      throw new MailwardError('CONFIG_INVALID', { message: `tls: hostname ${JSON.stringify(options.hostname)} is not a host name` });
    }
    const watchIntervalMs = options.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
    if (!Number.isFinite(watchIntervalMs) || watchIntervalMs <= 0) {
      throw new MailwardError('CONFIG_INVALID', { message: `tls: watchIntervalMs ${watchIntervalMs} must be a positive number` });
    }
    const resolved = { ...options, hostname, watchIntervalMs, logger: options.logger ?? SILENT_LOGGER };
    const { certFile, keyFile } = options;

    if ((certFile === undefined || certFile === '') !== (keyFile === undefined || keyFile === '')) {
      throw new MailwardError('CONFIG_INVALID', {
        message: certFile ? `tls: certFile ${certFile} is set without keyFile` : `tls: keyFile ${keyFile} is set without certFile`,
      });
    }

    if (certFile && keyFile) {
      const files = { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
      const material = await loadConfigured(files);
      const manager = new TLSManager(material, files, resolved);
      manager.#logLoaded('tls: loaded configured certificate');
      manager.#schedule(watchIntervalMs, () => manager.#pollConfigured());
      return manager;
    }

    const material = await loadOrCreateSelfSignedCertificate({ dataDir: options.dataDir, hostname, logger: resolved.logger });
    const manager = new TLSManager(material, undefined, resolved);
    manager.#logLoaded('tls: serving self-signed certificate');
    manager.#schedule(SELF_SIGNED_CHECK_INTERVAL_MS, () => manager.#renewSelfSignedIfDue());
    return manager;
  }

  /** Current PEM material, for servers that take options (e.g. tls.createServer, smtp-server). */
  get credentials(): TLSCredentials {
    return { ...this.#material.credentials };
  }

  /** Current SecureContext (for SNICallback / tls.TLSSocket upgrade on STARTTLS). */
  get secureContext(): tls.SecureContext {
    return this.#material.secureContext;
  }

  /** Fingerprint (SHA-256, colon hex) of the current leaf cert, for logs and tests. */
  get fingerprint(): string {
    return this.#material.fingerprint;
  }

  /** Called after every successful reload with the new credentials; returns an unsubscribe function. */
  onReload(listener: (credentials: TLSCredentials) => void): () => void {
    // Wrapped so that subscribing the same function twice still gives two independent subscriptions.
    const entry = (credentials: TLSCredentials): void => listener(credentials);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /**
   * Applies the current credentials to a Node tls.Server/https.Server now and on every reload.
   * setSecureContext keeps the server's other TLS options and affects only new connections,
   * so sessions already open finish on the certificate they started with.
   */
  attach(server: tls.Server): () => void {
    server.setSecureContext(this.credentials);
    return this.onReload((credentials) => server.setSecureContext(credentials));
  }

  /** Stops watching; the current credentials stay readable. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  /** Runs `task` every `intervalMs` without overlapping runs and without keeping the process alive. */
  #schedule(intervalMs: number, task: () => Promise<void>): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      task()
        .catch((error: unknown) => {
          this.#options.logger.warn({ error: describe(error) }, 'tls: certificate check failed');
        })
        .finally(() => this.#schedule(intervalMs, task));
    }, intervalMs);
    this.#timer.unref();
  }

  async #pollConfigured(): Promise<void> {
    const files = this.#files;
    if (files === undefined) return;
    let credentials: TLSCredentials;
    try {
      const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
      credentials = { cert, key };
    } catch (error) {
      // A renewal in progress can briefly remove a file; keep serving and say so once.
      const problem = describe(error);
      if (problem !== this.#lastReadProblem) {
        this.#lastReadProblem = problem;
        this.#options.logger.warn({ ...files, error: problem }, 'tls: cannot read certificate files; still serving the previous certificate');
      }
      return;
    }
    this.#lastReadProblem = undefined;

    const digest = digestOf(credentials);
    if (digest === this.#servedDigest || digest === this.#rejectedDigest || this.#closed) return;
    let material: TLSMaterial;
    try {
      material = parseTLSMaterial(credentials);
    } catch (error) {
      if (!(error instanceof TLSMaterialError)) throw error;
      // Typically the certificate is replaced before the key: keep the old pair until both agree.
      this.#rejectedDigest = digest;
      this.#options.logger.warn(
        { ...files, problem: describeProblem(files, error) },
        'tls: new certificate files are not a usable pair yet; still serving the previous certificate',
      );
      return;
    }
    this.#rejectedDigest = undefined;
    this.#servedDigest = digest;
    this.#apply(material, 'tls: reloaded configured certificate');
  }

  async #renewSelfSignedIfDue(): Promise<void> {
    const { hostname, dataDir, logger } = this.#options;
    const reason = selfSignedRenewalReason(this.#material, { hostname, now: new Date() });
    if (reason === undefined) return;
    logger.info({ fingerprint: this.#material.fingerprint, reason }, 'tls: renewing self-signed certificate');
    const material = await createSelfSignedCertificate({ dataDir, hostname, logger });
    if (!this.#closed) this.#apply(material, 'tls: serving renewed self-signed certificate');
  }

  #apply(material: TLSMaterial, message: string): void {
    this.#material = material;
    this.#logLoaded(message);
    for (const listener of this.#listeners) {
      try {
        listener(this.credentials);
      } catch (error) {
        // One broken listener must not keep the others (other ports) on the old certificate.
        this.#options.logger.warn({ error: describe(error) }, 'tls: reload listener failed');
      }
    }
  }

  #logLoaded(message: string): void {
    const { leaf, fingerprint } = this.#material;
    const now = Date.now();
    const details = { ...this.#files, subject: leaf.subject.replace(/\n/g, ', '), fingerprint, validTo: leaf.validTo };
    this.#options.logger.info(details, message);
    if (new Date(leaf.validTo).getTime() < now || new Date(leaf.validFrom).getTime() > now) {
      // Served anyway: opportunistic STARTTLS peers still encrypt, refusing would mean plain text.
      this.#options.logger.warn(details, 'tls: certificate is outside its validity period');
    }
  }
}

/** Reads and validates the configured pair at startup; every problem is CONFIG_INVALID in one line. */
async function loadConfigured(files: ConfiguredFiles): Promise<TLSMaterial> {
  const read = async (name: 'certFile' | 'keyFile'): Promise<string> => {
    try {
      return await readFile(files[name], 'utf8');
    } catch (error) {
      throw new MailwardError('CONFIG_INVALID', { message: `tls: ${name} ${files[name]} cannot be read (${describe(error)})`, cause: error });
    }
  };
  const cert = await read('certFile');
  const key = await read('keyFile');
  try {
    return parseTLSMaterial({ cert, key });
  } catch (error) {
    if (!(error instanceof TLSMaterialError)) throw error;
    throw new MailwardError('CONFIG_INVALID', { message: `tls: ${describeProblem(files, error)}`, cause: error });
  }
}

function describeProblem(files: ConfiguredFiles, error: TLSMaterialError): string {
  switch (error.fault) {
    case 'cert':
      return `certFile ${files.certFile} ${error.reason}`;
    case 'key':
      return `keyFile ${files.keyFile} ${error.reason}`;
    case 'pair':
      return `keyFile ${files.keyFile} does not match the first certificate in certFile ${files.certFile}`;
  }
}

function digestOf(credentials: TLSCredentials): string {
  return createHash('sha256').update(credentials.cert).update('\0').update(credentials.key).digest('hex');
}

/** Error code or message on one line; file-system and crypto errors carry no file content. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 200);
}
