// The store: repositories and blobs over one database, opened for SQLite or PostgreSQL.
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { DialectTraits } from './dialects/dialect-traits.js';
import { openSQLite } from './dialects/sqlite/sqlite-database.js';
import { SQLITE_TRAITS } from './dialects/sqlite/sqlite-traits.js';
import { openPostgres } from './dialects/postgres/postgres-database.js';
import { POSTGRES_TRAITS } from './dialects/postgres/postgres-traits.js';
import { migrateToLatest } from './migrations/index.js';
import type { Tables } from './schema.js';
import type { Repositories } from './repositories.js';
export type { Repositories } from './repositories.js';
import type { StateStore } from '../shared-state/index.js';
import { SqliteStateStore } from './state/sqlite-state-store.js';
import { PostgresStateStore } from './state/postgres-state-store.js';
import type { BlobStore } from './blobs/blob-store.js';
import { FsBlobStore } from './blobs/fs-blob-store.js';
import { PostgresBlobStore } from './blobs/postgres-blob-store.js';
import { TieredBlobStore } from './blobs/tiered-blob-store.js';
import { createBlobRepository } from './repositories/blob-repository.js';
import { createRenderingRepository } from './repositories/rendering-repository.js';
import { createAccountRepository } from './repositories/account-repository.js';
import { createAliasRepository } from './repositories/alias-repository.js';
import { createDomainRepository } from './repositories/domain-repository.js';
import { createLoginRecordRepository } from './repositories/login-record-repository.js';
import { createAppPasswordRepository } from './repositories/app-password-repository.js';
import { createOutboundRepository } from './repositories/outbound-repository.js';
import { createMailRepository } from './repositories/mail-repository.js';
import { createAuditRepository } from './repositories/audit-repository.js';
import { createDKIMRepository } from './repositories/dkim-repository.js';
import { createForwardingRepository } from './repositories/forwarding-repository.js';
import { createPolicyRepository } from './repositories/policy-repository.js';
import { createTwoFactorRepository } from './repositories/two-factor-repository.js';
import { createDeviceRepository } from './repositories/device-repository.js';
import { createPasskeyRepository } from './repositories/passkey-repository.js';
import { createAlternateEmailRepository } from './repositories/alternate-email-repository.js';
import { createPasswordResetRepository } from './repositories/password-reset-repository.js';
import { createNotificationRepository } from './repositories/notification-repository.js';
import { createImageSenderRepository } from './repositories/image-sender-repository.js';
import { createSubscriptionRepository } from './repositories/subscription-repository.js';
import { SqliteReader } from './dialects/sqlite/sqlite-reader.js';


export interface Store extends Repositories {
  readonly dialect: DialectTraits['name'];
  readonly blobs: BlobStore;
  /** Expiring shared records (throttles, volume counters) visible to every process on this data. */
  readonly state: StateStore;
  /** Runs `work` in one transaction (BEGIN IMMEDIATE on SQLite); all or nothing. */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer a trivial query (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StoreOptions =
  | { database: 'sqlite'; file: string; blobs: { kind: 'fs'; root: string }; stateFile?: string }
  | {
      database: 'postgres';
      url: string;
      poolSize?: number;
      /** Schema first on the search_path (for isolated test runs). */
      schema?: string;
      blobs: { kind: 'fs'; root: string } | { kind: 'postgres' };
    };

function repositoriesOf(db: Kysely<Tables> | Transaction<Tables>, traits: DialectTraits, reader?: SqliteReader): Repositories {
  return {
    domains: createDomainRepository(db, traits),
    accounts: createAccountRepository(db, traits),
    aliases: createAliasRepository(db, traits),
    policies: createPolicyRepository(db),
    loginRecords: createLoginRecordRepository(db),
    appPasswords: createAppPasswordRepository(db),
    audit: createAuditRepository(db),
    mail: createMailRepository(db, traits, reader),
    outbound: createOutboundRepository(db),
    dkim: createDKIMRepository(db, traits),
    forwarding: createForwardingRepository(db),
    twoFactor: createTwoFactorRepository(db),
    devices: createDeviceRepository(db),
    passkeys: createPasskeyRepository(db, traits),
    alternateEmails: createAlternateEmailRepository(db),
    passwordResets: createPasswordResetRepository(db),
    notifications: createNotificationRepository(db),
    imageSenders: createImageSenderRepository(db),
    subscriptions: createSubscriptionRepository(db),
    blobRows: createBlobRepository(db, traits, reader),
    renderings: createRenderingRepository(db, traits, reader),
  };
}

/** Opens the database, applies migrations and returns the store. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const traits = options.database === 'sqlite' ? SQLITE_TRAITS : POSTGRES_TRAITS;
  const db =
    options.database === 'sqlite'
      ? openSQLite({ file: options.file })
      : await openPostgres({ url: options.url, poolSize: options.poolSize, schema: options.schema });
  let reader: SqliteReader | undefined;
  try {
    await migrateToLatest(db as Kysely<unknown>, traits);
    // The embedded default reads FETCH's rows and bodies on a second connection off the event loop.
    reader = options.database === 'sqlite' && options.file !== ':memory:' ? SqliteReader.open(options.file) : undefined;
    // SQLite with files (the embedded default) keeps small bodies as rows: see TieredBlobStore.
    const blobs: BlobStore =
      options.blobs.kind === 'postgres'
        ? new PostgresBlobStore(db)
        : options.database === 'sqlite'
          ? new TieredBlobStore(await FsBlobStore.open(options.blobs.root), createBlobRepository(db, traits, reader))
          : await FsBlobStore.open(options.blobs.root);
    const state: StateStore =
      options.database === 'sqlite'
        ? new SqliteStateStore(options.stateFile ?? stateFileBeside(options.file))
        : await PostgresStateStore.open(db as Kysely<unknown>);
    return {
      dialect: traits.name,
      blobs,
      state,
      ...repositoriesOf(db, traits, reader),
      transaction: (work) => db.transaction().execute((trx) => work(repositoriesOf(trx, traits))),
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await reader?.close();
        await state.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await reader?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

function stateFileBeside(databaseFile: string): string {
  return databaseFile === ':memory:' ? ':memory:' : path.join(path.dirname(databaseFile), 'state.db');
}

/** The default file locations inside a data directory. */
export function embeddedPaths(dataDir: string): { database: string; blobs: string } {
  return { database: path.join(dataDir, 'mailward.db'), blobs: path.join(dataDir, 'blobs') };
}
