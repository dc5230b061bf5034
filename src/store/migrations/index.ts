// The one migration set, applied to either dialect through Kysely's Migrator.
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { Migrator, sql } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import * as m0001 from './0001-accounts.js';
import * as m0002 from './0002-auth-core.js';
import * as m0003 from './0003-mail.js';
import * as m0004 from './0004-outbound-queue.js';
import * as m0005 from './0005-dkim.js';
import * as m0006 from './0006-forwarding.js';
import * as m0007 from './0007-imap-state.js';
import * as m0008 from './0008-two-factor.js';
import * as m0009 from './0009-devices-sessions.js';
import * as m0010 from './0010-passkeys.js';
import * as m0011 from './0011-recovery-alerts.js';
import * as m0012 from './0012-webmail-sort.js';
import * as m0013 from './0013-webmail-preferences.js';
import * as m0014 from './0014-keyword-index.js';
import * as m0015 from './0015-mailbox-subscriptions.js';
import * as m0016 from './0016-uid-validity-high-water.js';
import * as m0017 from './0017-message-renderings.js';

type DialectMigration = { up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> };

/** In order; names sort lexically, as the Migrator requires. Never edit a released one: add the next. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '0001-accounts': m0001,
  '0002-auth-core': m0002,
  '0003-mail': m0003,
  '0004-outbound-queue': m0004,
  '0005-dkim': m0005,
  '0006-forwarding': m0006,
  '0007-imap-state': m0007,
  '0008-two-factor': m0008,
  '0009-devices-sessions': m0009,
  '0010-passkeys': m0010,
  '0011-recovery-alerts': m0011,
  '0012-webmail-sort': m0012,
  '0013-webmail-preferences': m0013,
  '0014-keyword-index': m0014,
  '0015-mailbox-subscriptions': m0015,
  '0016-uid-validity-high-water': m0016,
  '0017-message-renderings': m0017,
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
  // On PostgreSQL the Migrator looks for its tables in every schema unless told which one: name
  // the current schema, or a database with several Mailward schemas (tests, tenants) confuses it.
  let migrationTableSchema: string | undefined;
  if (traits.name === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  const migrator = new Migrator({ db, provider: provider(traits), ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `database: migration ${failed} failed: ${reason}`, cause: error });
  }
}
