// Migration 0018 over rows written by the schema before it, on SQLite and PostgreSQL: search_text goes, complete texts become index documents (SQLite) or signatures (PostgreSQL), cut ones neither.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { postgresURL, tempDir, testSchemaName } from '../../../test/support/dialects.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import type { TestDialect } from '../../../test/support/dialects.js';
import { openPostgres } from '../dialects/postgres/postgres-database.js';
import { POSTGRES_TRAITS } from '../dialects/postgres/postgres-traits.js';
import { openSQLite } from '../dialects/sqlite/sqlite-database.js';
import { SQLITE_TRAITS } from '../dialects/sqlite/sqlite-traits.js';
import { createSearchIndex } from '../repositories/search-index.js';
import type { Tables } from '../schema.js';
import { migrateToLatest, migrateUpTo } from './index.js';

const NOW = 1_750_000_000_000;

interface Opened {
  db: Kysely<Tables>;
  cleanup(): Promise<void>;
}

async function open(dialect: TestDialect): Promise<Opened> {
  if (dialect === 'sqlite') {
    const dir = tempDir();
    const db = openSQLite({ file: path.join(dir, 'mailward.db') });
    return {
      db,
      cleanup: async () => {
        await db.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: postgresURL() });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = await openPostgres({ url: postgresURL(), schema, poolSize: 2 });
  return { db, cleanup: () => db.destroy() };
}

describeOnEveryDialect(
  'migration 0018 (search index)',
  { open, close: (o: Opened) => o.cleanup() },
  (t, dialect) => {
    const traits = dialect === 'sqlite' ? SQLITE_TRAITS : POSTGRES_TRAITS;

    it('moves old rows to the index and drops their search text', async () => {
      const db = t.db as unknown as Kysely<unknown>;
      await migrateUpTo(db, traits, '0016-uid-validity-high-water');
      const { rows: domain } = await sql<{ id: number }>`insert into domains (name, created_at) values ('example.test', ${NOW}) returning id`.execute(db);
      const { rows: account } = await sql<{ id: number }>`insert into accounts (address, local_part, domain_id, password_hash, created_at, updated_at)
        values ('old@example.test', 'old', ${domain[0]!.id}, 'x', ${NOW}, ${NOW}) returning id`.execute(db);
      const accountId = account[0]!.id;
      const { rows: mailbox } = await sql<{ id: number }>`insert into mailboxes (account_id, name, uid_validity, created_at)
        values (${accountId}, 'INBOX', 1, ${NOW}) returning id`.execute(db);
      const mailboxId = mailbox[0]!.id;
      const texts = ['subject one\n我们明天下午三点在上海开会', 'subject two\nthe quarterly report is due', 'x'.repeat(64 * 1024 - 100), 'copy\nthe quarterly report is due'];
      for (const [i, text] of texts.entries()) {
        await sql`insert into messages (mailbox_id, account_id, uid, modseq, blob_id, size, internal_date, search_text, created_at)
          values (${mailboxId}, ${accountId}, ${i + 1}, 1, ${`b${i}`}, 10, ${NOW}, ${text}, ${NOW})`.execute(db);
      }

      await migrateToLatest(db, traits);

      const rows = await t.db.selectFrom('messages').selectAll().orderBy('uid').execute();
      expect(rows[0]).not.toHaveProperty('search_text');
      const index = createSearchIndex(t.db, traits);
      if (dialect === 'sqlite') {
        expect(rows.map((r) => r.search_doc === null)).toEqual([false, false, true, false]);
        expect(await index.candidates(mailboxId, '三点在上海')).toEqual(new Set([1, 3]));
        expect(await index.candidates(mailboxId, 'quarterly report')).toEqual(new Set([2, 3, 4]));
        // Needles of two characters, including the last two of an old text.
        expect(await index.candidates(mailboxId, '开会')).toEqual(new Set([1, 3]));
        expect(await index.candidates(mailboxId, 'ue')).toEqual(new Set([2, 3, 4]));
        // New messages index beside the old ones, with document ids of their own.
        const { search_doc: doc } = await index.add('新的邮件');
        expect(rows.map((r) => r.search_doc)).not.toContain(doc);
      } else {
        // A signature per complete old text instead of documents.
        expect(rows.map((r) => r.search_doc)).toEqual([null, null, null, null]);
        expect(rows.map((r) => r.search_sig === null)).toEqual([false, false, true, false]);
        expect(await index.candidates(mailboxId, '三点在上海')).toEqual(new Set([1, 3]));
        expect(await index.candidates(mailboxId, 'quarterly report')).toEqual(new Set([2, 3, 4]));
        expect(await index.candidates(mailboxId, '开会')).toEqual(new Set([1, 3]));
        expect((await index.add('text')).search_sig).toMatch(/^[01]{4096}$/);
      }
      // The last message that points at a document takes it along (SQLite's trigger); PostgreSQL has none to take.
      await t.db.deleteFrom('messages').where('uid', 'in', [1, 2]).execute();
      if (dialect === 'sqlite') {
        expect(await index.candidates(mailboxId, '三点在上海')).toEqual(new Set([3]));
        const left = await sql<{ rowid: number }>`select rowid from message_search where message_search match '"rep"'`.execute(t.db);
        expect(left.rows.map((r) => Number(r.rowid))).toEqual([rows[3]!.search_doc]);
      }
    });
  },
);
