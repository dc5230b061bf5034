// Bench (c): one account's first page of login records with millions of rows in the table, on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { nowMs, openBenchApp, removeDir, summarize, tempDataDir } from './support.mjs';

const DOMAIN = 'records.test';
/** Records span this much time back from now (inside the default 180-day retention). */
const SPAN_MS = 150 * 24 * 3600_000;
/** Rows per INSERT … SELECT statement (and transaction). */
const CHUNK = 1_000_000;
/** A prime that does not divide the account count: consecutive records go to well-spread accounts. */
const SPREAD = 7919;
const FAKE_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$bm90LWEtcmVhbC1oYXNoLWJlbmNoLW9ubHk';

const COLUMNS = 'time, account_id, username, protocol, ip, client, result, reason, credential';

/**
 * The SELECT list of one generated record for sequence number `i`, account offset `a` (0-based)
 * and `r`, the account's own running number (how many records it had before this one). Attributes
 * rotate with `r`, not `i`, so every account gets the mix (every fifth attempt failed, four
 * protocols, a few IPs and clients). Valid for SQLite and PostgreSQL.
 */
function generatedRecord({ t0, step, firstId }) {
  return `${t0} + i * ${step}, ${firstId} + a, 'user' || (a + 1) || '@${DOMAIN}',
    CASE r % 4 WHEN 0 THEN 'imap' WHEN 1 THEN 'smtp' WHEN 2 THEN 'web' ELSE 'pop3' END,
    '10.' || (a % 200) || '.' || (r % 7) || '.' || (a % 250 + 1),
    CASE r % 4 WHEN 0 THEN 'Thunderbird' WHEN 1 THEN 'mail.example.net' WHEN 2 THEN 'Mozilla/5.0' ELSE 'K-9 Mail' END,
    CASE WHEN r % 5 = 0 THEN 'failure' ELSE 'success' END,
    CASE WHEN r % 5 = 0 THEN 'bad_credentials' ELSE 'ok' END,
    CASE WHEN r % 5 = 0 THEN NULL ELSE 'password' END`;
}

/** `i`, `a` and `r` over a sequence `source` of integers named i (see generatedRecord). */
function sequence(source, accounts) {
  return `(SELECT i, (i * ${SPREAD}) % ${accounts} AS a, i / ${accounts} AS r FROM ${source}) AS s`;
}

/** Pages through the app: the target account over and over, failures only, and many different accounts. */
async function measurePages({ app, targetId, firstId, accounts, samples }) {
  const timed = async (options) => {
    const start = nowMs();
    const page = await app.security.loginRecords.page(options);
    const ms = nowMs() - start;
    // With --rows small, an account may have fewer than 50 failures: a short page is still a page.
    if (page.records.length === 0) throw new Error(`bench: account ${options.accountId} has no login records`);
    return ms;
  };
  for (let i = 0; i < 50; i++) await timed({ accountId: targetId, limit: 50 });
  const same = [];
  for (let i = 0; i < samples; i++) same.push(await timed({ accountId: targetId, limit: 50 }));
  const failures = [];
  for (let i = 0; i < samples; i++) failures.push(await timed({ accountId: targetId, limit: 50, result: 'failure' }));
  // Different accounts each time: pages that are not in the database's cache yet.
  const spread = [];
  for (let i = 0; i < samples; i++) spread.push(await timed({ accountId: firstId + ((i * 104_729) % accounts), limit: 50 }));
  return { same: summarize(same), failures: summarize(failures), spread: summarize(spread) };
}

function fillPlan(rows) {
  const step = Math.max(1, Math.floor(SPAN_MS / rows));
  const t0 = Date.now() - rows * step;
  return { step, t0 };
}

export async function benchLoginRecordsPageSQLite({ rows, accounts, samples, log }) {
  const dataDir = tempDataDir('mailward-bench-records-');
  try {
    let app = await openBenchApp({ dataDir });
    const domain = await app.accounts.addDomain(DOMAIN);
    await app.close();

    const fillStart = nowMs();
    const db = new Database(path.join(dataDir, 'mailward.db'));
    let firstId;
    let indexes;
    let sqliteVersion;
    try {
      // Bulk load only: this connection skips fsyncs and foreign-key checks (every account_id is real).
      db.pragma('synchronous = OFF');
      db.pragma('foreign_keys = OFF');
      db.pragma('cache_size = -1000000');
      db.pragma('temp_store = MEMORY');
      sqliteVersion = db.prepare('select sqlite_version() as v').get().v;
      const { step, t0 } = fillPlan(rows);
      db.prepare(
        `INSERT INTO accounts (address, local_part, domain_id, password_hash, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT 'user' || i || '@${DOMAIN}', 'user' || i, ?, ?, ?, ? FROM n`,
      ).run(accounts, domain.id, FAKE_HASH, t0, t0);
      firstId = db.prepare(`SELECT min(id) AS id FROM accounts WHERE address LIKE 'user%@${DOMAIN}'`).get().id;

      // Indexes are dropped for the load and rebuilt from their own definitions (a sorted build is far faster).
      indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'login_records' AND sql IS NOT NULL").all();
      for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
      const insert = db.prepare(
        `INSERT INTO login_records (${COLUMNS})
         WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT ${generatedRecord({ t0, step, firstId })} FROM ${sequence('n', accounts)}`,
      );
      for (let start = 1; start <= rows; start += CHUNK) {
        insert.run(start, Math.min(rows, start + CHUNK - 1));
        log(`  sqlite: ${Math.min(rows, start + CHUNK - 1).toLocaleString('en-US')} rows (${((nowMs() - fillStart) / 1000).toFixed(0)} s)`);
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      for (const { name, sql } of indexes) {
        db.exec(sql);
        log(`  sqlite: index ${name} rebuilt (${((nowMs() - fillStart) / 1000).toFixed(0)} s)`);
      }
      db.exec('ANALYZE');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const fillSeconds = (nowMs() - fillStart) / 1000;

    app = await openBenchApp({ dataDir });
    try {
      const targetId = firstId + (4242 % accounts);
      const plan = explainSQLite(dataDir, targetId);
      const pages = await measurePages({ app, targetId, firstId, accounts, samples });
      return { dialect: 'sqlite', version: sqliteVersion, rows, accounts, fillSeconds, plan, ...pages };
    } finally {
      await app.close();
    }
  } finally {
    removeDir(dataDir);
  }
}

/** The plan SQLite picks for the page query (the SQL the repository issues, written out). */
function explainSQLite(dataDir, accountId) {
  const db = new Database(path.join(dataDir, 'mailward.db'), { readonly: true });
  try {
    const plan = (sql) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(accountId)
        .map((row) => row.detail)
        .join('; ');
    return {
      all: plan('SELECT * FROM login_records WHERE account_id = ? ORDER BY time DESC, id DESC LIMIT 51'),
      failures: plan("SELECT * FROM login_records WHERE account_id = ? AND result = 'failure' ORDER BY time DESC, id DESC LIMIT 51"),
    };
  } finally {
    db.close();
  }
}

export async function benchLoginRecordsPagePostgres({ url, rows, accounts, samples, log }) {
  const schema = `bench_auth_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const dataDir = tempDataDir('mailward-bench-records-pg-');
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    // Kysely's Migrator (no migrationTableSchema) asks "does kysely_migration exist?" across every
    // schema, so another schema's tables (a test run in this database) make it skip creating ours
    // and then fail on the unqualified name. Creating them here, as the Migrator would, avoids that.
    await admin.query(`CREATE TABLE ${schema}.kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`);
    await admin.query(`CREATE TABLE ${schema}.kysely_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`);
    const version = (await admin.query('SHOW server_version')).rows[0].server_version;
    // The schema goes first on the search_path of every pooled connection, through the URL itself.
    const appURL = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    let app = await openBenchApp({ dataDir, databaseURL: appURL });
    const domain = await app.accounts.addDomain(DOMAIN);
    await app.close();

    const fillStart = nowMs();
    await admin.query(`SET search_path TO ${schema}`);
    await admin.query('SET synchronous_commit = off');
    await admin.query("SET maintenance_work_mem = '1GB'");
    // Bulk load only: skip the per-row foreign-key triggers (every account_id is a real account).
    await admin.query('SET session_replication_role = replica');
    const { step, t0 } = fillPlan(rows);
    await admin.query(
      `INSERT INTO accounts (address, local_part, domain_id, password_hash, created_at, updated_at)
       SELECT 'user' || i || '@${DOMAIN}', 'user' || i, $1, $2, $3, $3 FROM generate_series(1, $4::int) AS i`,
      [domain.id, FAKE_HASH, t0, accounts],
    );
    const firstId = Number((await admin.query(`SELECT min(id) AS id FROM accounts WHERE address LIKE 'user%@${DOMAIN}'`)).rows[0].id);
    const { rows: indexes } = await admin.query(
      `SELECT indexname, indexdef FROM pg_indexes
       WHERE schemaname = $1 AND tablename = 'login_records'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'login_records'::regclass)`,
      [schema],
    );
    for (const { indexname } of indexes) await admin.query(`DROP INDEX "${indexname}"`);
    for (let start = 1; start <= rows; start += CHUNK) {
      await admin.query(
        `INSERT INTO login_records (${COLUMNS})
         SELECT ${generatedRecord({ t0, step, firstId })}
         FROM ${sequence('generate_series($1::bigint, $2::bigint) AS i', accounts)}`,
        [start, Math.min(rows, start + CHUNK - 1)],
      );
      log(`  postgres: ${Math.min(rows, start + CHUNK - 1).toLocaleString('en-US')} rows (${((nowMs() - fillStart) / 1000).toFixed(0)} s)`);
    }
    for (const { indexname, indexdef } of indexes) {
      await admin.query(indexdef);
      log(`  postgres: index ${indexname} rebuilt (${((nowMs() - fillStart) / 1000).toFixed(0)} s)`);
    }
    await admin.query('SET session_replication_role = DEFAULT');
    // What autovacuum would have done by the time a table reaches this size: hint bits, visibility map, statistics.
    await admin.query('VACUUM (ANALYZE) login_records');
    await admin.query('ANALYZE accounts');
    const fillSeconds = (nowMs() - fillStart) / 1000;

    const targetId = firstId + (4242 % accounts);
    const explain = async (sql) =>
      (await admin.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, [targetId])).rows.map((r) => r['QUERY PLAN']).join('\n');
    const plan = {
      all: await explain('SELECT * FROM login_records WHERE account_id = $1 ORDER BY time DESC, id DESC LIMIT 51'),
      failures: await explain("SELECT * FROM login_records WHERE account_id = $1 AND result = 'failure' ORDER BY time DESC, id DESC LIMIT 51"),
    };
    app = await openBenchApp({ dataDir, databaseURL: appURL });
    try {
      const pages = await measurePages({ app, targetId, firstId, accounts, samples });
      return { dialect: 'postgres', version, rows, accounts, fillSeconds, plan, ...pages };
    } finally {
      await app.close();
    }
  } finally {
    await admin.query('SET session_replication_role = DEFAULT').catch(() => undefined);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((error) => log(`  postgres: could not drop schema ${schema}: ${error.message}`));
    await admin.end();
    removeDir(dataDir);
  }
}
