// Body search through the search index over SQLite and PostgreSQL: Chinese substrings without word segmentation, needles of one and two characters, no match across a header/body or part boundary, long messages the index holds only in part, and index documents kept while any copy exists.
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, expect, it } from 'vitest';
import { insertAccount } from '../../test/support/account-rows.js';
import { describeOnEveryDialect, liveStore, testStore } from '../../test/support/every-dialect.js';
import { MemoryEventBus } from '../shared-state/index.js';
import { BodyCache } from './body-cache.js';
import { MailStore } from './mail-store.js';
import { Mailboxes } from './mailboxes.js';
import { parseMessageSearch, searchMailbox } from './message-search.js';
import { MAX_SEARCH_TEXT } from './search-text.js';

const NOW = 1_750_000_000_000;

function message(subject: string, body: string, headers = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n'): Buffer {
  return Buffer.from(`From: Ann <ann@example.net>\r\nTo: bob@example.test\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n${headers}\r\n${body}\r\n`);
}

const MESSAGES = [
  // 1: Chinese in UTF-8, base64, with a Chinese subject.
  message('=?UTF-8?B?' + Buffer.from('季度报告').toString('base64') + '?=', Buffer.from('我们明天下午三点在上海开会讨论预算。\r\n').toString('base64'), 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n'),
  // 2: Chinese in GB2312 (EUC-CN), quoted-printable for a change.
  message('plain', '=C9=CF=BA=A3=CA=D0', 'Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: quoted-printable\r\n'),
  // 3: English, subject "Invoice", body that starts "due friday".
  message('Invoice', 'Due Friday. Ping me at ok@example.net.'),
  // 4: HTML only.
  message('Newsletter', '<html><body><p>Hello <b>Wor</b>ld &amp; more</p></body></html>', 'Content-Type: text/html; charset=utf-8\r\n'),
  // 5: two text parts; the end of one and the start of the next.
  message(
    'Parts',
    '--b\r\nContent-Type: text/plain\r\n\r\nfirst part ends here\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond part starts\r\n--b--',
    'Content-Type: multipart/mixed; boundary="b"\r\n',
  ),
];

async function search(mailboxes: Mailboxes, mailboxId: number, q: string): Promise<number[]> {
  return (await searchMailbox(mailboxes, mailboxId, parseMessageSearch(q))).map((r) => r.uid);
}

describeOnEveryDialect('body search', testStore, (t, dialect) => {
  const store = liveStore(t);
  let mail: MailStore;
  let mailboxes: Mailboxes;
  let accountId: number;
  let inbox: number;

  beforeEach(async () => {
    const events = new MemoryEventBus();
    mail = new MailStore({ store, events, now: () => NOW });
    mailboxes = new Mailboxes({ store, events, mail, now: () => NOW, bodyCache: new BodyCache({ maxBytes: 1024 * 1024, maxEntryBytes: 128 * 1024 }) });
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    accountId = (await insertAccount(store, 'bob@example.test', { domainId: domain.id, now: NOW })).id;
    for (const raw of MESSAGES) await mail.deliver({ raw, targets: [{ accountId }] });
    inbox = (await store.mail.findMailbox(accountId, 'INBOX'))!.id;
  });

  it('finds any substring of Chinese text, decoded from its charset, without word segmentation', async () => {
    expect(await search(mailboxes, inbox, 'body:下午三点在上')).toEqual([1]);
    expect(await search(mailboxes, inbox, 'body:点在上海开')).toEqual([1]);
    expect(await search(mailboxes, inbox, 'body:上海')).toEqual([1, 2]);
    expect(await search(mailboxes, inbox, 'body:上海市')).toEqual([2]);
    expect(await search(mailboxes, inbox, 'body:海')).toEqual([1, 2]);
    expect(await search(mailboxes, inbox, 'body:北京')).toEqual([]);
    expect(await search(mailboxes, inbox, 'body:上海北京')).toEqual([]);
    // A bare word also looks in the decoded subject.
    expect(await search(mailboxes, inbox, '季度报')).toEqual([1]);
  });

  it('matches needles of one and two characters, case-insensitively, exactly', async () => {
    expect(await search(mailboxes, inbox, 'body:DU')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:y.')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:t.')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:q')).toEqual([]);
    expect(await search(mailboxes, inbox, 'body:k')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:"DUE FRI"')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:"friday. ping"')).toEqual([3]);
    // Words across a line break: whitespace runs are one space on both sides.
    expect(await search(mailboxes, inbox, 'body:"ends  here"')).toEqual([5]);
    expect(await search(mailboxes, inbox, 'body:"ld & more"')).toEqual([4]);
  });

  it('never matches across the header and the body, or across two parts', async () => {
    // The subject "Invoice" is followed by the body "Due Friday" in the index's text.
    expect(await search(mailboxes, inbox, 'body:invoice')).toEqual([]);
    expect(await search(mailboxes, inbox, 'body:"invoice due"')).toEqual([]);
    expect(await search(mailboxes, inbox, 'body:"invoice\ndue"')).toEqual([]);
    expect(await search(mailboxes, inbox, 'invoice')).toEqual([3]);
    expect(await search(mailboxes, inbox, 'body:"ends here second"')).toEqual([]);
    expect(await search(mailboxes, inbox, 'body:"ends here"')).toEqual([5]);
    expect(await search(mailboxes, inbox, 'body:"second part"')).toEqual([5]);
    // Markup is not text.
    expect(await search(mailboxes, inbox, 'body:<b>')).toEqual([]);
  });

  it('reads the whole body of a message the index holds only in part', async () => {
    const long = `${'lorem ipsum dolor '.repeat(Math.ceil(MAX_SEARCH_TEXT / 18) + 100)}needle at the very end`;
    await mail.deliver({ raw: message('long', long), targets: [{ accountId }] });
    const row = await store.mail.findMessage(inbox, 6);
    expect(row!.search_doc).toBeNull();
    expect(await search(mailboxes, inbox, 'body:"needle at the very end"')).toEqual([6]);
    expect(await search(mailboxes, inbox, 'body:"ipsum dolor"')).toEqual([6]);
  });

  it('keeps an index document while a copy of the message exists, and drops it with the last', async () => {
    const archive = (await mailboxes.get(accountId, 'Archive')).id;
    await mailboxes.copy(inbox, [3], archive);
    await mailboxes.move(inbox, [1], archive);
    expect(await search(mailboxes, archive, 'body:"due fri"')).toEqual([1]);
    expect(await search(mailboxes, archive, 'body:三点在')).toEqual([2]);
    await mailboxes.remove(inbox, [3]);
    expect(await search(mailboxes, archive, 'body:"due fri"')).toEqual([1]);
    if (dialect === 'sqlite') {
      const doc = (await store.mail.findMessage(archive, 1))!.search_doc;
      expect(doc).not.toBeNull();
      await mailboxes.remove(archive, [1, 2]);
      expect(await store.mail.searchCandidates(archive, 'due fri')).toEqual(new Set());
      // The document itself is gone (contentless_delete), not only unreachable.
      const db = new Database(path.join(t.dir, 'mailward.db'), { readonly: true });
      try {
        expect(db.prepare(`select count(*) as n from message_search where message_search match '"due"'`).get()).toEqual({ n: 0 });
        expect(db.prepare(`select count(*) as n from message_search where rowid = ?`).get(doc)).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    }
  });
});
