// MailStore over SQLite and PostgreSQL: durable delivery, UID allocation, journal, structure and search text.
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, expect, it } from 'vitest';
import { insertAccount } from '../../test/support/account-rows.js';
import { describeOnEveryDialect, liveStore, testStore } from '../../test/support/every-dialect.js';
import type { MailwardEvent } from '../shared-state/index.js';
import { MemoryEventBus } from '../shared-state/index.js';
import { MailStore } from './mail-store.js';
import { enqueueRemote } from '../transport/outbound.js';

const NOW = 1_750_000_000_000;

const MESSAGE = Buffer.from(
  'From: =?utf-8?B?SsO2cmc=?= <jorg@example.net>\r\n' +
    'To: alice@example.test\r\n' +
    'Subject: =?iso-8859-1?Q?Gr=FC=DFe?= from the lake\r\n' +
    'Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n' +
    'Message-ID: <m1@example.net>\r\n' +
    'Content-Type: multipart/alternative; boundary="b"\r\n' +
    '\r\n' +
    '--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSch=C3=B6ne Gr=C3=BC=C3=9Fe vom See\r\n' +
    '--b\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>lake</b></p>\r\n' +
    '--b--\r\n',
);

describeOnEveryDialect('MailStore', testStore, (t, dialect) => {
  const store = liveStore(t);
  let mail: MailStore;
  let events: MailwardEvent[];
  let alice: number;
  let bob: number;

  beforeEach(async () => {
    const bus = new MemoryEventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    mail = new MailStore({ store, events: bus, now: () => NOW });
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const account = (address: string) => insertAccount(store, address, { domainId: domain.id, now: NOW });
    alice = (await account('alice@example.test')).id;
    bob = (await account('bob@example.test')).id;
  });

  it('creates the special-use mailboxes once', async () => {
    const first = await mail.ensureDefaultMailboxes(alice);
    const again = await mail.ensureDefaultMailboxes(alice);
    expect(first.map((m) => [m.name, m.special_use]).sort()).toEqual(
      [['Archive', 'Archive'], ['Drafts', 'Drafts'], ['INBOX', null], ['Junk', 'Junk'], ['Sent', 'Sent'], ['Trash', 'Trash']].sort(),
    );
    expect(again.map((m) => m.id).sort()).toEqual(first.map((m) => m.id).sort());
    expect(new Set(first.map((m) => m.uid_validity)).size).toBe(first.length);
  });

  it('delivers one blob to several accounts with UIDs, MODSEQs, journal rows and events', async () => {
    const stored = await mail.deliver({ raw: MESSAGE, targets: [{ accountId: alice }, { accountId: bob, flags: { seen: true, keywords: ['$Label1'] } }] });
    expect(stored.map((s) => s.uid)).toEqual([1, 1]);
    expect(stored[0]!.blobId).toBe(stored[1]!.blobId);
    expect((await store.blobs.get(stored[0]!.blobId)).equals(MESSAGE)).toBe(true);
    const inbox = await store.mail.findMailbox(bob, 'INBOX');
    const row = await store.mail.findMessage(inbox!.id, 1);
    expect(row).toMatchObject({ seen: 1, keywords: '$Label1', size: MESSAGE.length, subject: 'Grüße from the lake', from_text: 'Jörg <jorg@example.net>' });
    expect(row!.message_id).toBe('<m1@example.net>');
    expect(row!.sent_date).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(row!.search_text).toContain('schöne grüße vom see');
    expect(row!.search_text).toContain('hello lake');
    expect(row!.search_text).not.toContain('<p>');
    const structure = JSON.parse(row!.structure) as { root: { type: string; children: unknown[] }; envelope: { subject: string } };
    expect(structure.root.type).toBe('multipart');
    expect(structure.root.children).toHaveLength(2);
    const changes = await store.mail.changesSince(inbox!.id, 0, 10);
    expect(changes).toEqual([expect.objectContaining({ uid: 1, kind: 'append', modseq: stored[1]!.modseq })]);
    await new Promise((r) => setTimeout(r, 0));
    expect(events.filter((e) => e.type === 'MailboxChanged')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'MessageDelivered')).toHaveLength(2);
  });

  it('allocates strictly increasing, never reused UIDs under concurrent delivery', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => mail.deliver({ raw: Buffer.from(`Subject: ${i}\r\n\r\nbody ${i}\r\n`), targets: [{ accountId: alice }] })),
    );
    const uids = results.map((r) => r[0]!.uid).sort((a, b) => a - b);
    expect(uids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const inbox = await store.mail.findMailbox(alice, 'INBOX');
    expect(inbox!.uid_next).toBe(21);
    const modseqs = results.map((r) => r[0]!.modseq);
    expect(new Set(modseqs).size).toBe(20);
  });

  it('stores bare-LF messages with CRLF line endings', async () => {
    const [stored] = await mail.deliver({ raw: Buffer.from('Subject: lf\n\nline one\nline two\n'), targets: [{ accountId: alice }] });
    expect((await store.blobs.get(stored!.blobId)).toString()).toBe('Subject: lf\r\n\r\nline one\r\nline two\r\n');
  });

  it('delivers to the Sent special-use mailbox and commits queue rows in the same transaction', async () => {
    const [sent] = await mail.deliver({
      raw: MESSAGE,
      targets: [{ accountId: alice, specialUse: 'Sent', flags: { seen: true } }],
      alsoInTransaction: async (tx, blob) => {
        await enqueueRemote(tx, { accountId: alice, mailFrom: 'alice@example.test', recipients: [{ address: 'x@remote.example', domain: 'remote.example' }], blob, now: NOW });
      },
    });
    const mailbox = await store.mail.findMailboxById(sent!.mailboxId);
    expect(mailbox!.name).toBe('Sent');
    expect(await store.outbound.list()).toEqual([expect.objectContaining({ recipient: 'x@remote.example', blob_id: sent!.blobId, status: 'queued' })]);
  });

  it('stores nothing when the transaction fails', async () => {
    await expect(
      mail.deliver({
        raw: MESSAGE,
        targets: [{ accountId: alice }],
        alsoInTransaction: async () => {
          throw new Error('queue unavailable');
        },
      }),
    ).rejects.toThrow('queue unavailable');
    const inbox = await store.mail.findMailbox(alice, 'INBOX');
    expect(await store.mail.messageCount(inbox!.id)).toBe(0);
    expect(inbox!.uid_next).toBe(1);
  });

  it.runIf(dialect === 'sqlite')('notices a cached mailbox that another process deleted or replaced, and delivers to the right one', async () => {
    await mail.deliver({ raw: MESSAGE, targets: [{ accountId: alice, specialUse: 'Sent' }] });
    const sent = await store.mail.findMailbox(alice, 'Sent');
    // Another process (the CLI, a second node) renames Sent away: the next copy must not follow the cached row.
    const other = new Database(path.join(t.dir, 'mailward.db'));
    other.prepare("update mailboxes set name = 'Old Sent', special_use = null where id = ?").run(sent!.id);
    other.close();
    const [copy] = await mail.deliver({ raw: MESSAGE, targets: [{ accountId: alice, specialUse: 'Sent' }] });
    expect(copy!.mailboxId).not.toBe(sent!.id);
    expect((await store.mail.findMailboxById(copy!.mailboxId))!.special_use).toBe('Sent');
    expect(await store.mail.messageCount(sent!.id)).toBe(1);

    const inbox = await store.mail.findMailbox(alice, 'INBOX');
    await mail.deliver({ raw: MESSAGE, targets: [{ accountId: alice }] });
    const again = new Database(path.join(t.dir, 'mailward.db'));
    again.prepare("update mailboxes set name = 'Renamed' where id = ?").run(inbox!.id);
    const now = Math.floor(NOW / 1000) + 100;
    again.prepare("insert into mailboxes (account_id, name, uid_validity, created_at) values (?, 'INBOX', ?, ?)").run(alice, now, NOW);
    again.close();
    const [next] = await mail.deliver({ raw: MESSAGE, targets: [{ accountId: alice }] });
    const newInbox = await store.mail.findMailbox(alice, 'INBOX');
    expect(next!.mailboxId).toBe(newInbox!.id);
    expect(next!.uid).toBe(1);
  });
});
