// Composition root: the one place that picks implementations (SQLite or PostgreSQL, fs or database blobs) and wires them.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server as TLSServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AccountService, PolicyService, createArgon2Hasher } from './accounts/index.js';
import type { PasswordHasher } from './accounts/index.js';
import type { ListenerName, MailwardConfig } from './config/index.js';
import { MailwardError } from './errors/index.js';
import { Security, loadServerKey } from './security/index.js';
import type { EventBus } from './shared-state/index.js';
import { MemoryEventBus } from './shared-state/index.js';
import { TLSManager } from './server/tls/index.js';
import type { Store, StoreOptions } from './store/index.js';
import { embeddedPaths, openStore } from './store/index.js';
import { buildHTTPApp } from './web/api/http-app.js';

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
  try {
    const key = loadServerKey({ dataDir, env: options.env ?? process.env });
    security = new Security({ store, accounts, hasher, policies, events, key, now, onError });
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
    now,
    close: async () => {
      security.sessions.stop();
      await security.flush();
      await events.close();
      await store.close();
    },
  };
}

export interface RunningServer {
  /** Where each enabled listener is bound (port 0 in the config becomes the real port). */
  readonly listeners: Partial<Record<ListenerName, { host: string; port: number }>>;
  /** Stops accepting, lets in-flight requests finish, then closes the listeners. */
  close(): Promise<void>;
}

/** Starts every listener that exists and is enabled. */
export async function startServer(app: App): Promise<RunningServer> {
  const { config, logger } = app;
  const tls = await TLSManager.open({
    dataDir: app.dataDir,
    hostname: config.hostname,
    ...(config.tls.cert_file ? { certFile: config.tls.cert_file, keyFile: config.tls.key_file } : {}),
    logger,
  });
  const listeners: RunningServer['listeners'] = {};
  const apps: FastifyInstance[] = [];
  const deps = { logger, checkStorage: () => app.store.ping() };
  try {
    for (const name of ['http', 'https'] as const) {
      const listener = config.listeners[name];
      if (!listener.enabled) continue;
      const http = name === 'https' ? buildHTTPApp(deps, { https: tls.credentials }) : buildHTTPApp(deps);
      apps.push(http);
      await http.listen({ host: listener.host, port: listener.port, listenTextResolver: () => '' });
      if (name === 'https') tls.attach(http.server as unknown as TLSServer);
      const address = http.server.address() as AddressInfo;
      listeners[name] = { host: address.address, port: address.port };
      logger.info({ listener: name, host: address.address, port: address.port }, 'listening');
    }
  } catch (error) {
    await Promise.all(apps.map((a) => a.close()));
    tls.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new MailwardError('CONFIG_INVALID', { message: `listen: ${(error as Error).message}`, cause: error });
    }
    throw error;
  }
  app.security.sessions.start();
  const prune = (): void => void pruneLoginRecords(app).catch((error: unknown) => logger.error({ err: error }, 'login record pruning failed'));
  prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  return {
    listeners,
    close: async () => {
      clearInterval(pruneTimer);
      app.security.sessions.stop();
      await Promise.all(apps.map((a) => a.close()));
      tls.close();
    },
  };
}

const PRUNE_INTERVAL_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

/** Deletes login records older than the retention policy (login_records.retention_days). */
export async function pruneLoginRecords(app: App): Promise<number> {
  const days = await app.policies.get('login_records.retention_days');
  const removed = await app.security.loginRecords.prune({ before: app.now() - days * DAY_MS });
  if (removed > 0) app.logger.info({ removed, days }, 'pruned login records');
  return removed;
}
