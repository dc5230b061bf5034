// Opens a fresh store per test for each dialect, as Kysely's own suite loops over dialects.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';

export type TestDialect = 'sqlite' | 'postgres';

export const DIALECTS: TestDialect[] = ['sqlite', 'postgres'];

export function postgresURL(): string {
  return inject('postgresURL');
}

/** True when this dialect cannot run here (PostgreSQL absent outside CI). */
export function dialectUnavailable(dialect: TestDialect): boolean {
  return dialect === 'postgres' && postgresURL() === '';
}

/**
 * A fresh PostgreSQL schema name for this test run. Schemas are dropped once, by the global
 * teardown, never while other test files run: dropping one mid-run breaks the catalogue queries
 * (Kysely's introspection) of every other file migrating at that moment.
 */
export function testSchemaName(): string {
  return `t_${inject('testRunId')}_${randomBytes(5).toString('hex')}`;
}

export function tempDir(prefix = 'mailward-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestStore {
  store: Store;
  dir: string;
  cleanup(): Promise<void>;
}

/** A store in its own temp dir (SQLite) or its own schema (PostgreSQL), dropped by cleanup(). */
export async function openTestStore(dialect: TestDialect, options: { blobs?: 'fs' | 'postgres' } = {}): Promise<TestStore> {
  const dir = tempDir();
  if (dialect === 'sqlite') {
    const store = await openStore({
      database: 'sqlite',
      file: path.join(dir, 'mailward.db'),
      blobs: { kind: 'fs', root: path.join(dir, 'blobs') },
    });
    return {
      store,
      dir,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = postgresURL();
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = await openStore({
    database: 'postgres',
    url,
    schema,
    poolSize: 4,
    blobs: options.blobs === 'fs' ? { kind: 'fs', root: path.join(dir, 'blobs') } : { kind: 'postgres' },
  });
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
