// The one migration set, applied to either dialect through Kysely's Migrator.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import * as m0001 from './0001-accounts.js';
import * as m0002 from './0002-auth-core.js';

type DialectMigration = { up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> };

/** In order; names sort lexically, as the Migrator requires. Never edit a released one: add the next. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-accounts': m0001,
  '0002-auth-core': m0002,
};

function provider(traits: DialectTraits): MigrationProvider {
  return {
    getMigrations: async () =>
      Object.fromEntries(
        Object.entries(MIGRATIONS).map(([name, migration]): [string, Migration] => [
          name,
          { up: (db) => migration.up(db, traits) },
        ]),
      ),
  };
}

/** Brings the schema up to date; safe to run from several processes at once (the Migrator locks). */
export async function migrateToLatest(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const migrator = new Migrator({ db, provider: provider(traits) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `database: migration ${failed} failed: ${reason}`, cause: error });
  }
}
