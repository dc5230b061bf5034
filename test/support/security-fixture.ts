// Builds a full security core over a fresh test store for one dialect, with an injected clock and a hasher that counts its work.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { AccountService, PolicyService, createArgon2Hasher } from '../../src/accounts/index.js';
import type { Account, Argon2Params, PasswordHasher } from '../../src/accounts/index.js';
import type { AuthenticateInput, AuthenticateResult, SecurityDeps } from '../../src/security/index.js';
import { Passkeys, Security } from '../../src/security/index.js';
import { Forwarding, RecipientResolver } from '../../src/transport/index.js';
import { ServerKey } from '../../src/kernel/index.js';
import type { MailwardEvent } from '../../src/shared-state/index.js';
import { MemoryEventBus } from '../../src/shared-state/index.js';
import type { Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import type { TestDialect } from './dialects.js';
import { postgresURL, tempDir, testSchemaName } from './dialects.js';
import type { DialectFixture } from './every-dialect.js';

/** 14 Nov 2023: a fixed start so every time in a test is reproducible. */
export const FIXTURE_NOW = 1_700_000_000_000;
export const FIXTURE_DOMAIN = 'example.test';
/** Meets the default `medium` strength level; not common, does not contain a local part. */
export const FIXTURE_PASSWORD = 'Tr0ub4dor&3-staple';

/** Cheap argon2id parameters for tests where the cost of a hash does not matter. */
export const FAST_ARGON2: Argon2Params = Object.freeze({ memoryCost: 4096, timeCost: 1, parallelism: 1 });

export interface HasherCalls {
  hash: number;
  verify: number;
  verifyDummy: number;
}

/** A hasher that counts its calls, to prove that a refused attempt computed no hash at all. */
export interface CountingHasher extends PasswordHasher {
  readonly calls: HasherCalls;
  /** verify + verifyDummy since the last reset. */
  verifications(): number;
  reset(): void;
}

export function countingHasher(inner: PasswordHasher): CountingHasher {
  const calls: HasherCalls = { hash: 0, verify: 0, verifyDummy: 0 };
  return {
    calls,
    verifications: () => calls.verify + calls.verifyDummy,
    reset: () => {
      calls.hash = 0;
      calls.verify = 0;
      calls.verifyDummy = 0;
    },
    hash: (secret) => {
      calls.hash++;
      return inner.hash(secret);
    },
    verify: (hash, secret) => {
      calls.verify++;
      return inner.verify(hash, secret);
    },
    needsRehash: (hash) => inner.needsRehash(hash),
    verifyDummy: (secret) => {
      calls.verifyDummy++;
      return inner.verifyDummy(secret);
    },
  };
}

export interface SecurityFixture {
  readonly dialect: TestDialect;
  readonly store: Store;
  /** Temp directory of this fixture (holds the SQLite files). */
  readonly dir: string;
  /** The SQLite database file (undefined on PostgreSQL). */
  readonly sqliteFile: string | undefined;
  readonly hasher: CountingHasher;
  readonly policies: PolicyService;
  readonly accounts: AccountService;
  readonly events: MemoryEventBus;
  readonly key: ServerKey;
  readonly security: Security;
  /** Every event published since the fixture opened or was reset (or since `received.length = 0`). */
  readonly received: MailwardEvent[];
  /** The injected clock the whole core reads. */
  readonly clock: () => number;
  setNow(ms: number): void;
  advance(ms: number): void;
  addUser(localPart: string, options?: { password?: string }): Promise<Account>;
  /** authenticate() with defaults for what the test does not name: protocol web, remote IP 203.0.113.10, TLS on. */
  login(input: Partial<AuthenticateInput> & Pick<AuthenticateInput, 'username' | 'secret'>): Promise<AuthenticateResult>;
  /** Lets queued event handlers run. */
  settle(): Promise<void>;
  /**
   * Back to a fresh state without reopening the store (a PostgreSQL schema and its migrations cost
   * far more than emptying it): every table and the shared state emptied, the domain added again,
   * the clock, the hasher's counts and the received events reset.
   */
  reset(): Promise<void>;
  /** Raw SQL on the fixture's own database (positional `?` parameters on both dialects), beside the store. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

async function openFixtureStore(dialect: TestDialect, dir: string): Promise<{ store: Store; schema?: string }> {
  if (dialect === 'sqlite') {
    const store = await openStore({ database: 'sqlite', file: path.join(dir, 'mailward.db'), blobs: { kind: 'fs', root: path.join(dir, 'blobs') } });
    return { store };
  }
  // Like openTestStore, but the schema name is kept so the fixture can read the tables directly.
  // Kysely's Migrator (without migrationTableSchema) asks whether `kysely_migration_lock` exists in
  // *any* schema: while a parallel test file's schema has one, it would not create ours and the
  // migration fails. Its two bookkeeping tables (the Migrator's own definitions) are created first.
  // The Migrator also introspects every schema of the database, which fails when a parallel test
  // file drops its schema at that moment ('schema "t_…" does not exist'): that race is retried.
  for (let attempt = 1; ; attempt++) {
    const schema = testSchemaName();
    await runAdmin(
      `create schema ${schema}`,
      `create table ${schema}.kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`,
      `create table ${schema}.kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`,
    );
    try {
      const store = await openStore({ database: 'postgres', url: postgresURL(), schema, poolSize: 4, blobs: { kind: 'postgres' } });
      return { store, schema };
    } catch (error) {
      // A failed schema is left for the global teardown (see testSchemaName).
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
      if (attempt >= 5 || !/^schema "t_[0-9a-z_]+" does not exist$/.test(cause)) throw error;
    }
  }
}

async function runAdmin(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: postgresURL() });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Opens a store and the whole security core on it; `hasher: 'owasp'` where the real cost of a hash matters. */
export async function openSecurityFixture(dialect: TestDialect, options: { hasher?: 'fast' | 'owasp'; now?: number } = {}): Promise<SecurityFixture> {
  const dir = tempDir('mailward-security-');
  const { store, schema } = await openFixtureStore(dialect, dir);
  let now = options.now ?? FIXTURE_NOW;
  const clock = (): number => now;
  const hasher = countingHasher(createArgon2Hasher(options.hasher === 'owasp' ? {} : { params: FAST_ARGON2 }));
  const policies = new PolicyService(store, clock);
  const accounts = new AccountService({ store, hasher, policies, now: clock });
  const events = new MemoryEventBus();
  const key = new ServerKey(randomBytes(32));
  const security = new Security({ store, accounts, hasher, policies, events, key, now: clock });
  const received: MailwardEvent[] = [];
  events.subscribe((event) => received.push(event));
  await accounts.addDomain(FIXTURE_DOMAIN);

  const sqliteFile = dialect === 'sqlite' ? path.join(dir, 'mailward.db') : undefined;
  let sqlite: BetterSqlite3.Database | undefined;
  let client: pg.Client | undefined;
  const start = now;

  const raw = async (): Promise<{ sqlite?: BetterSqlite3.Database; pg?: pg.Client }> => {
    if (sqliteFile) {
      sqlite ??= new BetterSqlite3(sqliteFile, { timeout: 5000 });
      return { sqlite };
    }
    if (!client) {
      client = new pg.Client({ connectionString: postgresURL() });
      await client.connect();
      await client.query(`set search_path to ${schema}`);
    }
    return { pg: client };
  };

  async function emptyEverything(): Promise<void> {
    await security.flush();
    const db = await raw();
    if (db.sqlite) {
      const all = db.sqlite
        .prepare(`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`)
        .all() as Array<{ name: string; sql: string }>;
      // An FTS5 table is emptied through itself ('delete-all'); its shadow tables and vocabulary views refuse a DELETE.
      const virtual = all.filter((t) => /^create virtual table/i.test(t.sql)).map((t) => t.name);
      const tables = all.filter((t) => !virtual.includes(t.name) && !virtual.some((v) => t.name.startsWith(`${v}_`)));
      db.sqlite.pragma('foreign_keys = OFF');
      db.sqlite.transaction(() => {
        for (const { name } of all.filter((t) => /using fts5\s*\(/i.test(t.sql))) db.sqlite!.prepare(`insert into "${name}"("${name}") values ('delete-all')`).run();
        for (const { name } of tables) db.sqlite!.prepare(`delete from "${name}"`).run();
        db.sqlite!.prepare('delete from sqlite_sequence').run();
      })();
      const state = new BetterSqlite3(path.join(dir, 'state.db'), { timeout: 5000 });
      try {
        state.prepare('delete from shared_state').run();
      } finally {
        state.close();
      }
    } else if (db.pg) {
      const { rows } = await db.pg.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`,
        [schema],
      );
      // DELETE, not TRUNCATE: these tables hold a handful of rows, and TRUNCATE's new files cost
      // as much as a fresh schema. Foreign keys are not checked meanwhile (replica role).
      await db.pg.query(
        `set session_replication_role = replica; ${rows.map((r) => `delete from "${r.table_name}";`).join(' ')} set session_replication_role = default;`,
      );
    }
  }

  return {
    dialect,
    store,
    dir,
    sqliteFile,
    hasher,
    policies,
    accounts,
    events,
    key,
    security,
    received,
    clock,
    setNow: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
    async addUser(localPart, userOptions = {}) {
      return accounts.addUser({ address: `${localPart}@${FIXTURE_DOMAIN}`, password: userOptions.password ?? FIXTURE_PASSWORD });
    },
    login(input) {
      return security.authenticate({ protocol: 'web', remoteIp: '203.0.113.10', tls: true, ...input });
    },
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    async reset() {
      await emptyEverything();
      now = start;
      hasher.reset();
      received.length = 0;
      await accounts.addDomain(FIXTURE_DOMAIN);
    },
    async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
      const db = await raw();
      if (db.sqlite) return db.sqlite.prepare(text).all(...params) as T[];
      let n = 0;
      const result = await db.pg!.query(text.replace(/\?/g, () => `$${++n}`), params);
      return result.rows as T[];
    },
    async cleanup() {
      await security.flush();
      security.sessions.stop();
      await events.close();
      sqlite?.close();
      await client?.end();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For describeOnEveryDialect: one security core per dialect, reset before each test; with
 * `perTest`, a new one for each test instead (where a test changes what reset() does not undo).
 */
export function securityFixture(options: { hasher?: 'fast' | 'owasp'; perTest?: boolean } = {}): DialectFixture<SecurityFixture> {
  return {
    open: (dialect) => openSecurityFixture(dialect, { hasher: options.hasher ?? 'fast' }),
    close: (f) => f.cleanup(),
    ...(options.perTest ? {} : { reset: (f: SecurityFixture) => f.reset() }),
  };
}

/** The part of a result an unverified client may see. */
export function clientView(result: AuthenticateResult): Record<string, unknown> {
  if (result.ok) return { ok: true };
  return { ok: false, code: result.code, message: result.message, hint: result.hint, retryAfterSeconds: result.retryAfterSeconds, keys: Object.keys(result).sort() };
}

/** Another security core on the fixture's store and services, with what the test adds (a GeoIP database, a mailer, WebAuthn origins). */
export function securityWith(f: SecurityFixture, extra: Partial<SecurityDeps>): Security {
  return new Security({ store: f.store, accounts: f.accounts, hasher: f.hasher, policies: f.policies, events: f.events, key: f.key, now: f.clock, ...extra });
}

/** Passkeys on the fixture's services (relying party localhost), accepting assertions from `origins`: another node's, or a test page's. */
export function passkeysWith(f: SecurityFixture, origins: string[]): Passkeys {
  return new Passkeys({
    store: f.store,
    policies: f.policies,
    throttle: f.security.throttle,
    accountSecurity: f.security.accountSecurity,
    audit: f.security.audit,
    now: f.clock,
    rpID: 'localhost',
    rpName: 'Mailward',
    origins,
  });
}

/** Forwarding as the composition root builds it, on the fixture's store and services. */
export function forwardingWith(f: SecurityFixture, recipients = new RecipientResolver(f.accounts)): Forwarding {
  return new Forwarding({
    store: f.store,
    recipients,
    accountSecurity: f.security.accountSecurity,
    audit: f.security.audit,
    policies: f.policies,
    state: f.store.state,
    now: f.clock,
  });
}
