// Finds the PostgreSQL the tests use; with CI=true a missing one fails the run instead of skipping.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection URL of the test PostgreSQL, or '' when none is reachable (tests skip). */
    postgresURL: string;
  }
}

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL ?? DEFAULT_TEST_POSTGRES_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresURL', url);
  } catch (error) {
    const reason = error instanceof Error ? error.message || error.name : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is required in CI but ${url} is not reachable: ${reason}`);
    }
    console.log(`PostgreSQL tests skipped: no PostgreSQL at ${url} (${reason}); set TEST_POSTGRES_URL to run them.`);
    project.provide('postgresURL', '');
  } finally {
    await client.end().catch(() => undefined);
  }
}
