// Opens the core on a data directory and wires its implementations (SQLite or PostgreSQL, fs or database blobs): the first half of the composition root, used by `serve` and by every CLI command.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AccountService, PolicyService, createArgon2Hasher } from '../accounts/index.js';
import type { PasswordHasher } from '../accounts/index.js';
import type { MailwardConfig } from '../config/index.js';
import { MailwardError } from '../errors/index.js';
import { Security, openGeoIP } from '../security/index.js';
import { loadServerKey } from '../kernel/index.js';
import type { ServerKey } from '../kernel/index.js';
import { Forwarding, RecipientResolver, SystemMailer } from '../transport/index.js';
import { BODY_CACHE_MAX_ENTRY_BYTES, BodyCache, MailStore, Mailboxes } from '../mailbox/index.js';
import { createDKIMSigner } from '../transport/index.js';
import type { EventBus, EventLink } from '../shared-state/index.js';
import { MemoryEventBus } from '../shared-state/index.js';
import type { Store, StoreOptions } from '../store/index.js';
import { embeddedPaths, openStore } from '../store/index.js';

export interface App {
  readonly config: MailwardConfig;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly store: Store;
  readonly hasher: PasswordHasher;
  readonly policies: PolicyService;
  readonly accounts: AccountService;
  readonly events: EventBus;
  readonly security: Security;
  readonly mail: MailStore;
  /** Mailbox management for the doors that read and change mail (IMAP, POP3, webmail). */
  readonly mailboxes: Mailboxes;
  /** The server key (MAILWARD_SECRET_KEY or <data>/keys/server.key) for DKIM keys, SRS and tokens. */
  readonly key: ServerKey;
  readonly recipients: RecipientResolver;
  readonly forwarding: Forwarding;
  readonly now: () => number;
  /** Where users open the webmail (`web.public_url`): the start of every link Mailward mails. */
  readonly publicURL: string;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  dataDir: string;
  config: MailwardConfig;
  logger: Logger;
  now?: () => number;
  /** Where MAILWARD_SECRET_KEY is read from; process.env by default. */
  env?: Record<string, string | undefined>;
  /** The other `serve` processes of this server, when there are several (cluster.ts). */
  eventLink?: EventLink;
}

/**
 * Creates the data directory (0700: it holds keys, hashes and mail) and checks it is usable. One
 * that already exists keeps the mode its operator gave it: everything Mailward creates inside is
 * owner-only anyway, but a directory others may list or write is worth a warning (they could
 * replace or watch files in it).
 */
function prepareDataDir(dataDir: string, logger: Logger): void {
  let mode: number;
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    mode = fs.statSync(dataDir).mode & 0o777;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `data directory ${dataDir} is not usable: ${reason}`, cause: error });
  }
  if (process.platform !== 'win32' && (mode & 0o066) !== 0) {
    logger.warn({ dataDir, mode: mode.toString(8) }, `data directory ${dataDir} is readable or writable by other users (mode ${mode.toString(8)}): chmod 700 it`);
  }
}

function storeOptions(config: MailwardConfig, dataDir: string): StoreOptions {
  const paths = embeddedPaths(dataDir);
  if (config.database.url === '') {
    return { database: 'sqlite', file: paths.database, blobs: { kind: 'fs', root: paths.blobs } };
  }
  return {
    database: 'postgres',
    url: config.database.url,
    poolSize: config.database.pool_size,
    blobs: config.blobs.store === 'fs' ? { kind: 'fs', root: paths.blobs } : { kind: 'postgres' },
  };
}

/**
 * The browser origins of the webmail, which passkey assertions must come from: `hostname` on the
 * HTTPS and HTTP listeners, and on 443 for the usual TLS reverse proxy in front of them. Browsers
 * leave the scheme's default port out of an origin, so it is left out here too.
 */
function webOrigins(config: MailwardConfig): string[] {
  const origin = (scheme: 'http' | 'https', port: number): string =>
    `${scheme}://${config.hostname}${port === (scheme === 'https' ? 443 : 80) ? '' : `:${port}`}`;
  return [...new Set([publicURL(config), origin('https', 443), origin('https', config.listeners.https.port), origin('http', config.listeners.http.port)])];
}

/** `web.public_url`, or https://<hostname> on the HTTPS listener's port (left out when 443). */
export function publicURL(config: MailwardConfig): string {
  if (config.web.public_url !== '') return config.web.public_url.toLowerCase();
  const port = config.listeners.https.port;
  return `https://${config.hostname}${port === 443 ? '' : `:${port}`}`;
}

/** Opens storage and the core services on a data directory (for `serve` and for every CLI command). */
export async function openApp(options: OpenAppOptions): Promise<App> {
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir, options.logger);
  const now = options.now ?? Date.now;
  const store = await openStore(storeOptions(options.config, dataDir));
  const hasher = createArgon2Hasher();
  const policies = new PolicyService(store, now);
  const accounts = new AccountService({ store, hasher, policies, now });
  const onError = (error: unknown): void => options.logger.error({ err: error }, 'background task failed');
  const events = new MemoryEventBus({ onError, ...(options.eventLink ? { link: options.eventLink } : {}) });
  const recipients = new RecipientResolver(accounts);
  const mail = new MailStore({ store, events, now });
  let security: Security;
  let key: ServerKey;
  try {
    key = loadServerKey({ dataDir, env: options.env ?? process.env });
    const webAuthn = { rpID: options.config.hostname, rpName: 'Mailward', origins: webOrigins(options.config) };
    // Alerts, alternate-email codes and reset links: local INBOXes directly, other addresses through the outbound queue.
    const mailer = new SystemMailer({ mail, store, recipients, hostname: options.config.hostname, now, signer: createDKIMSigner({ store, key, now }) });
    security = new Security({ store, accounts, hasher, policies, events, key, now, onError, geoip: openGeoIP({ database: options.config.geoip.database }), issuer: options.config.hostname, webAuthn, mailer });
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    config: options.config,
    dataDir,
    logger: options.logger,
    store,
    hasher,
    policies,
    accounts,
    events,
    security,
    mail,
    mailboxes: new Mailboxes({ store, events, mail, now, bodyCache: new BodyCache({ maxBytes: options.config.cache.body_cache_mb * 1024 * 1024, maxEntryBytes: BODY_CACHE_MAX_ENTRY_BYTES }) }),
    key,
    recipients,
    forwarding: new Forwarding({
      store,
      recipients,
      accountSecurity: security.accountSecurity,
      audit: security.audit,
      policies,
      state: store.state,
      now,
    }),
    now,
    publicURL: publicURL(options.config),
    close: async () => {
      await security.sessions.stop();
      // Alerts and reset links being mailed finish before the store closes.
      await security.alerts.stop();
      await security.passwordReset.idle();
      await security.flush();
      await events.close();
      await store.close();
    },
  };
}

