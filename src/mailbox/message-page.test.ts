// Mailboxes.page() and searchMailbox() over SQLite and PostgreSQL: keyset pages are complete and ordered with ties on every sort key, filters hold, the search box reads its keys.
import { beforeAll, describe, expect, it } from 'vitest';
import { insertAccount } from '../../test/support/account-rows.js';
import { describeOnEveryDialect, sharedTestStore } from '../../test/support/every-dialect.js';
import { MemoryEventBus } from '../shared-state/index.js';
import type { MessageSortKey } from '../store/index.js';
import { MailStore } from './mail-store.js';
import type { MessageMetaRow } from './mailboxes.js';
import { BodyCache } from './body-cache.js';
import { Mailboxes } from './mailboxes.js';
import { parseMessageSearch, searchMailbox } from './message-search.js';

const NOW = 1_750_000_000_000;
const COUNT = 120;

describe('parseMessageSearch', () => {
  it('reads keys, quoted values, dates and bare words; an unknown key is a word', () => {
    expect(parseMessageSearch('from:Ann subject:"Q3  Report" since:2024-01-02 before:2024-02-01 lunch x:y')).toEqual({
      from: ['ann'],
      to: [],
      subject: ['q3 report'],
      body: [],
      text: ['lunch', 'x:y'],
      since: Date.UTC(2024, 0, 2),
      before: Date.UTC(2024, 1, 1),
    });
    expect(parseMessageSearch('since:yesterday').text).toEqual(['since:yesterday']);
  });
});

describeOnEveryDialect('message pages', sharedTestStore, (t) => {
  let mailboxes: Mailboxes;
  let mailboxId: number;

  beforeAll(async () => {
    const { store } = t;
    const events = new MemoryEventBus();
    const mail = new MailStore({ store, events, now: () => NOW });
    mailboxes = new Mailboxes({ store, events, mail, now: () => NOW, bodyCache: new BodyCache({ maxBytes: 1024 * 1024, maxEntryBytes: 128 * 1024 }) });
    const domain = await store.domains.create({ name: 'example.test', now: NOW });
    const account = await insertAccount(store, 'alice@example.test', { domainId: domain.id, now: NOW });
    mailboxId = (await mailboxes.create(account.id, 'List')).id;
    for (let i = 0; i < COUNT; i++) {
      const raw = Buffer.from(`From: s${i % 7}@example.net\r\nTo: alice@example.test\r\nSubject: topic ${i % 5}\r\n\r\n${i % 6 === 0 ? 'the secret word' : 'nothing'}\r\n`);
      await mail.deliver({ raw, targets: [{ accountId: account.id, mailbox: 'List', flags: { seen: i % 2 === 0, flagged: i % 3 === 0 } }], internalDate: NOW + (i % 9) * 1000 });
    }
  });

  const keyOf = (row: MessageMetaRow, sort: MessageSortKey): number | string => (sort === 'date' ? row.internal_date : sort === 'from' ? row.from_text : row.subject);

  for (const sort of ['date', 'from', 'subject'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      it(`pages by ${sort} ${order}: every message once, in (value, UID) order`, async () => {
        const seen: MessageMetaRow[] = [];
        let after: { key: number | string; uid: number } | undefined;
        for (;;) {
          const page = await mailboxes.page(mailboxId, { sort, order, limit: 17, ...(after ? { after } : {}) });
          seen.push(...page);
          if (page.length < 17) break;
          const last = page[page.length - 1]!;
          after = { key: keyOf(last, sort), uid: last.uid };
        }
        expect(seen.map((r) => r.uid).sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1));
        const sign = order === 'asc' ? 1 : -1;
        for (let i = 1; i < seen.length; i++) {
          const a = keyOf(seen[i - 1]!, sort);
          const b = keyOf(seen[i]!, sort);
          expect(sign * (a < b ? -1 : a > b ? 1 : seen[i - 1]!.uid - seen[i]!.uid)).toBeLessThan(0);
        }
      });
    }
  }

  it('filters unread and flagged in the store', async () => {
    const unread = await mailboxes.page(mailboxId, { sort: 'date', order: 'desc', limit: 1000, filter: 'unread' });
    expect(unread).toHaveLength(COUNT / 2);
    expect(unread.every((r) => r.seen === 0)).toBe(true);
    expect(await mailboxes.page(mailboxId, { sort: 'subject', order: 'asc', limit: 1000, filter: 'flagged' })).toHaveLength(COUNT / 3);
  });

  it('searches sender, subject and body as IMAP SEARCH does', async () => {
    expect(await searchMailbox(mailboxes, mailboxId, parseMessageSearch('from:s3@example.net subject:"topic 1"'))).toHaveLength(
      Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 7 === 3 && i % 5 === 1).length,
    );
    expect(await searchMailbox(mailboxes, mailboxId, parseMessageSearch('body:"secret word"'))).toHaveLength(COUNT / 6);
    expect(await searchMailbox(mailboxes, mailboxId, parseMessageSearch('secret'), { filter: 'unread' })).toHaveLength(0);
  });
});
