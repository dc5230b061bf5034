// ENVELOPE, BODY and BODYSTRUCTURE stored per message at delivery (migration 0017): FETCH answers them from rows alone, on SQLite and PostgreSQL, and renders once what older messages lack.
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { imapRenderings, parseMessageStructure } from '../../src/mailbox/mime/index.js';
import type { RenderingColumn } from '../../src/store/index.js';
import { SQLITE_TRAITS } from '../../src/store/dialects/sqlite/sqlite-traits.js';
import { up as migration0017 } from '../../src/store/migrations/0017-message-renderings.js';
import { DIALECTS, dialectUnavailable, postgresURL, testSchemaName } from '../support/dialects.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, tagged, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';
const ALL: RenderingColumn[] = ['envelope', 'body', 'bodystructure'];

const MULTIPART = Buffer.from(
  'From: =?utf-8?B?SsO2cmc=?= <jorg@example.net>\r\nTo: alice@example.test, "Bob" <bob@example.test>\r\nSubject: Gr\u00fc\u00dfe from the lake\r\n' +
    'Date: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
    '--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe\r\n' +
    '--b\r\nContent-Type: application/pdf; name="r\u00e9sum\u00e9.pdf"\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n' +
    '--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.net\r\nSubject: inner\r\n\r\nInner body.\r\n' +
    '--b--\r\n',
  'utf8',
);

function plain(n: number): Buffer {
  return Buffer.from(`From: Sender ${n} <s${n}@example.net>\r\nTo: alice@example.test\r\nSubject: message ${n}\r\nMessage-ID: <n${n}@example.net>\r\n\r\nText ${n}.\r\n`);
}

/** A PostgreSQL URL whose connections use a fresh schema of their own. */
async function postgresSchemaURL(): Promise<string> {
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: postgresURL() });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgresURL());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialectUnavailable(dialect))(`FETCH of stored renderings (${dialect})`, () => {
    let t: IMAPTestServer;
    let wire: IMAPWire;
    let inboxId: number;

    beforeAll(async () => {
      t = await startIMAPTestServer(dialect === 'postgres' ? { databaseURL: await postgresSchemaURL() } : {});
      const aliceId = t.accounts.get(ALICE)!;
      inboxId = (await t.app.mailboxes.get(aliceId, 'INBOX')).id;
      await t.app.mailboxes.append(aliceId, 'INBOX', MULTIPART);
      for (let n = 2; n <= 5; n++) await t.app.mailboxes.append(aliceId, 'INBOX', plain(n));
    });
    afterAll(async () => {
      await t.close();
    });
    beforeEach(async () => {
      vi.restoreAllMocks();
      wire = await IMAPWire.connect(t.imapPort);
      await wire.login(ALICE, passwordOf(ALICE));
      await wire.command('EXAMINE INBOX');
      return () => wire.close();
    });

    const rows = (uids: number[]) => t.app.store.renderings.fetchRows(inboxId, uids, ALL);

    it('stores ENVELOPE, BODY and BODYSTRUCTURE when the message arrives; a copy carries them, an expunge takes them', async () => {
      const [row] = await rows([1]);
      expect({ envelope: row!.envelope, body: row!.body, bodystructure: row!.bodystructure }).toEqual(imapRenderings(parseMessageStructure(MULTIPART)));
      // As FETCH sends it: an 8-bit subject goes as a literal in every connection state.
      expect(row!.envelope).toContain('{21}\r\nGr\u00fc\u00dfe from the lake (');
      await wire.command('SELECT INBOX');
      expect(tagged(await wire.command('COPY 1 Archive'))).toMatch(/^t\d+ OK/);
      const archive = await t.app.mailboxes.get(t.accounts.get(ALICE)!, 'Archive');
      const [copy] = await t.app.store.renderings.fetchRows(archive.id, [1], ALL);
      expect(copy).toMatchObject({ blob_id: row!.blob_id, envelope: row!.envelope, body: row!.body, bodystructure: row!.bodystructure });
      // Expunged, the copy's renderings go with it; the original keeps its own.
      expect(await t.app.store.renderings.count(archive.id)).toBe(1);
      await t.app.mailboxes.remove(archive.id, [1]);
      expect(await t.app.store.renderings.count(archive.id)).toBe(0);
      expect(await t.app.store.renderings.count(inboxId)).toBe(5);
      // MOVE carries them; a deleted mailbox takes its own.
      await t.app.mailboxes.create(t.accounts.get(ALICE)!, 'Kept');
      const kept = await t.app.mailboxes.get(t.accounts.get(ALICE)!, 'Kept');
      await t.app.mailboxes.copy(inboxId, [2, 3], kept.id);
      await t.app.mailboxes.move(kept.id, [1], archive.id);
      expect((await t.app.store.renderings.fetchRows(archive.id, [2], ALL))[0]!.envelope).toContain('"message 2"');
      await t.app.mailboxes.delete(t.accounts.get(ALICE)!, 'Kept');
      expect(await t.app.store.renderings.count(kept.id)).toBe(0);
    });

    it('answers ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE, FLAGS, UID and INTERNALDATE from rows alone: no body is read, even one that is gone', async () => {
      const items = 'FETCH 1:5 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)';
      // Neither the body nor the MIME structure is read, the first time as after.
      const reads = [vi.spyOn(t.app.mailboxes, 'body'), vi.spyOn(t.app.mailboxes, 'bodies'), vi.spyOn(t.app.mailboxes, 'bodyStream'), vi.spyOn(t.app.mailboxes, 'structures')];
      const first = await wire.command(items);
      const before = untaggedLines(first);
      expect(before).toHaveLength(5);
      expect(first).toContain('BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE"');
      expect(before[0]).toMatch(/^\* 1 FETCH \(UID 1 FLAGS \([^)]*\) INTERNALDATE "[^"]+" RFC822\.SIZE \d+ ENVELOPE \("Mon, 23 Nov 2026 10:00:00 \+0000" \{21\}$/);
      const [row] = await rows([1]);
      expect(await t.app.store.blobs.delete(row!.blob_id)).toBe(true);
      const after = await wire.command(items);
      expect(tagged(after)).toMatch(/^t\d+ OK/);
      expect(after.slice(after.indexOf('* 1 FETCH'), after.lastIndexOf('\r\nt'))).toEqual(first.slice(first.indexOf('* 1 FETCH'), first.lastIndexOf('\r\nt')));
      for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    });

    it('renders a message stored without renderings (before migration 0017) from its structure once, and stores the text', async () => {
      const items = 'FETCH 2:5 (ENVELOPE BODYSTRUCTURE BODY)';
      const before = untaggedLines(await wire.command(items));
      const stored = await rows([2, 3, 4, 5]);
      // UIDs 3 and 5 as an old store holds them: no renderings row.
      await t.app.store.renderings.delete(inboxId, [3, 5]);
      expect((await rows([3, 5])).map((r) => r.envelope)).toEqual([null, null]);
      const bodies = vi.spyOn(t.app.mailboxes, 'body');
      const saved = vi.spyOn(t.app.mailboxes, 'saveRenderings');
      expect(untaggedLines(await wire.command(items))).toEqual(before);
      expect(bodies).not.toHaveBeenCalled();
      expect(saved).toHaveBeenCalledTimes(1);
      expect(saved.mock.calls[0]![0].map((r) => [r.mailbox_id, r.uid])).toEqual([
        [inboxId, 3],
        [inboxId, 5],
      ]);
      expect(await rows([2, 3, 4, 5])).toEqual(stored);
      // Filled: the next FETCH renders nothing.
      expect(untaggedLines(await wire.command(items))).toEqual(before);
      expect(saved).toHaveBeenCalledTimes(1);
    });

    it('keeps answering when the renderings cannot be written back', async () => {
      await t.app.store.renderings.delete(inboxId, [4]);
      vi.spyOn(t.app.mailboxes, 'saveRenderings').mockRejectedValue(new Error('read-only'));
      const response = await wire.command('FETCH 4 ENVELOPE');
      expect(tagged(response)).toMatch(/^t\d+ OK/);
      expect(untaggedLines(response)[0]).toContain('"message 4"');
      expect((await rows([4]))[0]!.envelope).toBeNull();
    });
  });
}

describe('FETCH after an upgrade from a store without renderings (sqlite)', () => {
  it('runs migration 0017 on a store that holds messages, answers as before and fills the renderings once', async () => {
    let t = await startIMAPTestServer();
    const aliceId = t.accounts.get(ALICE)!;
    const inboxId = (await t.app.mailboxes.get(aliceId, 'INBOX')).id;
    await t.app.mailboxes.append(aliceId, 'INBOX', MULTIPART);
    for (let n = 2; n <= 3; n++) await t.app.mailboxes.append(aliceId, 'INBOX', plain(n));
    let wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    await wire.command('EXAMINE INBOX');
    // The responses without the tagged line (whose tag counts the commands).
    const data = (response: string): string => response.slice(0, response.lastIndexOf('\r\nt'));
    const before = data(await wire.command('FETCH 1:3 (ENVELOPE BODY BODYSTRUCTURE)'));
    wire.close();
    const { dataDir } = t.app;
    await t.close();

    // The store as the release before 0017 left it (no table), then migration 0017 run on it as an
    // upgrade would. (Its record stays: later migrations have run on this store, and migrations only
    // ever run in order.)
    const file = path.join(dataDir, 'mailward.db');
    const raw = new Database(file);
    raw.exec('drop table message_renderings');
    raw.close();
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await migration0017(db, SQLITE_TRAITS);
    await db.destroy();

    t = await startIMAPTestServer({ dataDir });
    try {
      expect(await t.app.store.renderings.count(inboxId)).toBe(0);
      const saved = vi.spyOn(t.app.mailboxes, 'saveRenderings');
      wire = await IMAPWire.connect(t.imapPort);
      await wire.login(ALICE, passwordOf(ALICE));
      await wire.command('EXAMINE INBOX');
      expect(data(await wire.command('FETCH 1:3 (ENVELOPE BODY BODYSTRUCTURE)'))).toEqual(before);
      expect(await t.app.store.renderings.count(inboxId)).toBe(3);
      expect(data(await wire.command('FETCH 1:3 (ENVELOPE BODY BODYSTRUCTURE)'))).toEqual(before);
      expect(saved).toHaveBeenCalledTimes(1);
      wire.close();
    } finally {
      await t.close();
    }
  });
});
