// The security core over a fresh test store (SQLite or PostgreSQL): a fast hasher, a settable clock, recorded events; raw state stores.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { AccountService, PolicyService, accountRecords, createArgon2Hasher } from '../../src/accounts/index.js';
import { normalizeAddress } from '../../src/lib/index.js';
import type { Account, PasswordHasher, PolicyKey, PolicyValue } from '../../src/accounts/index.js';
import { Security } from '../../src/security/index.js';
import { ServerKey } from '../../src/kernel/index.js';
import type { EventOf, MailwardEvent, MailwardEventType, StateStore } from '../../src/shared-state/index.js';
import { MemoryEventBus } from '../../src/shared-state/index.js';
import type { Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { openPostgres } from '../../src/store/dialects/postgres/postgres-database.js';
import { PostgresStateStore } from '../../src/store/state/postgres-state-store.js';
import { SqliteStateStore } from '../../src/store/state/sqlite-state-store.js';
import type { TestDialect, TestStore } from './dialects.js';
import { openTestStore, postgresURL, tempDir, testSchemaName } from './dialects.js';
import type { DialectFixture } from './every-dialect.js';

/** A fixed instant inside an hour and a day (10:00:00 UTC), so window arithmetic in tests is plain. */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

/** Cheap argon2id for tests (the real cost is tested in password-hasher.test.ts). */
export const FAST_HASHER: PasswordHasher = createArgon2Hasher({ params: { memoryCost: 4096, timeCost: 1, parallelism: 1 } });

export class TestClock {
  constructor(public t: number = T0) {}
  readonly now = (): number => this.t;
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

export interface SecurityFixture {
  t: TestStore;
  store: Store;
  clock: TestClock;
  hasher: PasswordHasher;
  policies: PolicyService;
  accounts: AccountService;
  events: MemoryEventBus;
  key: ServerKey;
  security: Security;
  /** Every event published so far, in order. */
  published: MailwardEvent[];
  /** Published events of one type. */
  eventsOf<T extends MailwardEventType>(type: T): Array<EventOf<T>>;
  /** Lets queued event handlers run (the MemoryEventBus delivers in microtasks). */
  settle(): Promise<void>;
  /** Creates the domain when needed and an active account with this password. */
  addAccount(address: string, password: string): Promise<Account>;
  /** The account as stored now. */
  reload(account: Account): Promise<Account>;
  setPolicy<K extends PolicyKey>(key: K, value: PolicyValue<K>): Promise<void>;
  /**
   * For a beforeEach when one store serves a whole describe: the clock back at T0, no events, every
   * policy back to its default, and a domain no earlier test used (so accounts, throttles and
   * counters of earlier tests never meet this one's).
   */
  reset(): Promise<string>;
  /** The domain the last reset() handed out (example.org before any). */
  readonly domain: string;
  close(): Promise<void>;
}

/**
 * Like openTestStore, but safe while other test runs use the same PostgreSQL database. Kysely's
 * Migrator (without migrationTableSchema) asks whether `kysely_migration_lock` exists in *any*
 * schema; while another run's schema has one, it skips creating ours and the migration fails with
 * 'relation "kysely_migration_lock" does not exist'. Creating Kysely's two bookkeeping tables in our
 * schema first (the Migrator's own definitions) makes the answer true for us as well.
 */
export async function openIsolatedTestStore(dialect: TestDialect): Promise<TestStore> {
  if (dialect === 'sqlite') return openTestStore(dialect);
  const url = postgresURL();
  const schema = testSchemaName();
  const dir = tempDir();
  const run = async (...statements: string[]): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(
    `create schema ${schema}`,
    `create table ${schema}.kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`,
    `create table ${schema}.kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`,
  );
  const drop = async (): Promise<void> => {
    // The schema is dropped by the global teardown (see testSchemaName).
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let store: Store;
  try {
    store = await openStore({ database: 'postgres', url, schema, poolSize: 4, blobs: { kind: 'postgres' } });
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}

export async function openSecurityFixture(dialect: TestDialect): Promise<SecurityFixture> {
  const t = await openIsolatedTestStore(dialect);
  const { store } = t;
  const clock = new TestClock();
  const hasher = FAST_HASHER;
  const policies = new PolicyService(store, clock.now);
  const accounts = new AccountService({ store, hasher, policies, now: clock.now });
  const events = new MemoryEventBus();
  const key = new ServerKey(randomBytes(32));
  const security = new Security({ store, accounts, hasher, policies, events, key, now: clock.now });
  const published: MailwardEvent[] = [];
  let domains = 0;
  let domain = 'example.org';
  events.subscribe((event) => published.push(event));
  return {
    t,
    store,
    clock,
    hasher,
    policies,
    accounts,
    events,
    key,
    security,
    published,
    eventsOf: <T extends MailwardEventType>(type: T) => published.filter((e): e is EventOf<T> => e.type === type),
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    async addAccount(address, password) {
      const { domain: name } = normalizeAddress(address);
      if (!(await store.domains.findByName(name))) await accounts.addDomain(name);
      return accounts.addUser({ address, password });
    },
    async reload(account) {
      const current = await accountRecords(store).findById(account.id);
      if (!current) throw new Error(`account ${account.address} is gone`);
      return current;
    },
    async setPolicy(policyKey, value) {
      await policies.set(policyKey, value);
    },
    async reset() {
      clock.t = T0;
      published.length = 0;
      for (const row of await store.policies.list()) await store.policies.remove(row.scope, row.key);
      domain = `t${++domains}.example.org`;
      return domain;
    },
    get domain() {
      return domain;
    },
    async close() {
      security.sessions.stop();
      await security.flush();
      await events.close();
      await t.cleanup();
    },
  };
}

/**
 * For describeOnEveryDialect: one security core per dialect, reset before each test (each test
 * then has a domain of its own, `f.domain`); with `perTest`, a new one for each test instead.
 */
export function accountSecurityFixture(options: { perTest?: boolean } = {}): DialectFixture<SecurityFixture> {
  return {
    open: (dialect) => openSecurityFixture(dialect),
    close: (f) => f.close(),
    ...(options.perTest ? {} : { reset: (f: SecurityFixture) => f.reset() }),
  };
}

/** A SqliteStateStore on its own file (for the StateStore conformance suite). */
export function openSqliteStateStore(file: string): StateStore {
  return new SqliteStateStore(file);
}

/**
 * Several PostgresStateStore instances, each with its own connection pool, on one fresh schema (as
 * two nodes sharing a database); cleanup closes them and drops the schema.
 */
export async function openPostgresStateStores(count: number): Promise<{ states: StateStore[]; schema: string; url: string; cleanup(): Promise<void> }> {
  const url = postgresURL();
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const dbs: Array<Kysely<unknown>> = [];
  const states: StateStore[] = [];
  const cleanup = async (): Promise<void> => {
    for (const state of states) await state.close();
    for (const db of dbs) await db.destroy();
    // The schema is dropped by the global teardown (see testSchemaName).
  };
  try {
    for (let i = 0; i < count; i++) {
      const db = (await openPostgres({ url, schema, poolSize: 4 })) as unknown as Kysely<unknown>;
      dbs.push(db);
      // One after the other: CREATE TABLE IF NOT EXISTS is not safe against itself in PostgreSQL.
      states.push(await PostgresStateStore.open(db));
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { states, schema, url, cleanup };
}
