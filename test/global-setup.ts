// Finds the PostgreSQL the tests use; with CI=true a missing one fails the run instead of skipping.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection URL of the test PostgreSQL, or '' when none is reachable (tests skip). */
    postgresURL: string;
    /** Names this run's PostgreSQL test schemas, which the teardown drops together. */
    testRunId: string;
  }
}

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL;
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  project.provide('testRunId', runId);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresURL', url);
    await client.end().catch(() => undefined);
    return () => dropRunSchemas(url, runId);
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but ${url} is not reachable: ${reason}`);
    }
    console.log(`PostgreSQL tests skipped: no PostgreSQL at ${url} (${reason}); set TEST_POSTGRES_URL to run them.`);
    project.provide('postgresURL', '');
    await client.end().catch(() => undefined);
    return async () => undefined;
  }
}

/** Drops every schema this run created, after all test files are done. */
async function dropRunSchemas(url: string, runId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('select nspname as name from pg_namespace where nspname like $1', [`t\\_${runId}\\_%`]);
    for (const { name } of rows) await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}
