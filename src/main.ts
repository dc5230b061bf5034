// Composition root: the one place that picks implementations (SQLite or PostgreSQL, fs or database blobs) and wires them.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AccountService, PolicyService, createArgon2Hasher } from './accounts/index.js';
import type { PasswordHasher } from './accounts/index.js';
import type { MailwardConfig } from './config/index.js';
import { MailwardError } from './errors/index.js';
import { Security, loadServerKey, openGeoIP } from './security/index.js';
import type { ServerKey } from './security/index.js';
import { Forwarding, MailStore, Mailboxes, RecipientResolver } from './mail/index.js';
import type { EventBus } from './shared-state/index.js';
import { MemoryEventBus } from './shared-state/index.js';
import type { Store, StoreOptions } from './store/index.js';
import { embeddedPaths, openStore } from './store/index.js';

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
  close(): Promise<void>;
}

export interface OpenAppOptions {
  dataDir: string;
  config: MailwardConfig;
  logger: Logger;
  now?: () => number;
  /** Where MAILWARD_SECRET_KEY is read from; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** Creates the data directory (0700: it holds keys, hashes and mail) and checks it is usable. */
function prepareDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `data directory ${dataDir} is not usable: ${reason}`, cause: error });
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

/** Opens storage and the core services on a data directory (for `serve` and for every CLI command). */
export async function openApp(options: OpenAppOptions): Promise<App> {
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir);
  const now = options.now ?? Date.now;
  const store = await openStore(storeOptions(options.config, dataDir));
  const hasher = createArgon2Hasher();
  const policies = new PolicyService(store, now);
  const accounts = new AccountService({ store, hasher, policies, now });
  const onError = (error: unknown): void => options.logger.error({ err: error }, 'background task failed');
  const events = new MemoryEventBus({ onError });
  let security: Security;
  let key: ServerKey;
  try {
    key = loadServerKey({ dataDir, env: options.env ?? process.env });
    security = new Security({ store, accounts, hasher, policies, events, key, now, onError, geoip: openGeoIP({ database: options.config.geoip.database }), issuer: options.config.hostname });
  } catch (error) {
    await store.close();
    throw error;
  }
  const recipients = new RecipientResolver(accounts);
  const mail = new MailStore({ store, events, now });
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
    mailboxes: new Mailboxes({ store, events, mail, now }),
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
    close: async () => {
      await security.sessions.stop();
      await security.flush();
      await events.close();
      await store.close();
    },
  };
}

