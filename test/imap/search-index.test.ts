// IMAP SEARCH BODY and TEXT through the search index on a real socket: Chinese substrings, needles under three characters, NOT and OR over the index, no match across the header/body boundary.
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, tagged, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

/** A non-synchronizing literal (RFC 7888) for UTF-8 text. */
function literal(text: string): string {
  return `{${Buffer.byteLength(text)}+}\r\n${text}`;
}

const MESSAGES = [
  // 1
  'From: Ann <ann@example.net>\r\nSubject: Invoice\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
    Buffer.from('Due Friday.\r\n我们明天下午三点在上海开会。\r\n').toString('base64') +
    '\r\n',
  // 2
  'From: Bob <bob@example.net>\r\nSubject: =?UTF-8?B?' + Buffer.from('上海天气').toString('base64') + '?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSunny, 25 degrees.\r\n',
  // 3
  'From: Cy <cy@example.net>\r\nSubject: plain\r\n\r\nNothing in Chinese here; ok?\r\n',
];

describe('IMAP SEARCH over the search index', () => {
  let t: IMAPTestServer;
  let wire: IMAPWire;

  beforeAll(async () => {
    t = await startIMAPTestServer();
    const alice = t.accounts.get(ALICE)!;
    for (const raw of MESSAGES) await t.app.mailboxes.append(alice, 'INBOX', Buffer.from(raw));
    wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    expect(tagged(await wire.command('SELECT INBOX'))).toMatch(/^t\d+ OK /);
  });
  afterAll(async () => {
    wire.close();
    await t.close();
  });

  const search = async (criteria: string): Promise<string> => {
    const response = await wire.command(`SEARCH CHARSET UTF-8 ${criteria}`);
    expect(tagged(response)).toMatch(/^t\d+ OK /);
    return untaggedLines(response)[0] ?? '';
  };

  it('finds Chinese substrings in a base64 body, without word segmentation', async () => {
    expect(await search(`BODY ${literal('三点在上海开')}`)).toBe('* SEARCH 1');
    expect(await search(`BODY ${literal('上海')}`)).toBe('* SEARCH 1');
    expect(await search(`BODY ${literal('海')}`)).toBe('* SEARCH 1');
    expect(await search(`BODY ${literal('上海北京')}`)).toBe('* SEARCH');
    // TEXT also sees the decoded subject of 2.
    expect(await search(`TEXT ${literal('上海')}`)).toBe('* SEARCH 1 2');
    expect(await search(`SUBJECT ${literal('海天')}`)).toBe('* SEARCH 2');
  });

  it('matches needles under three characters exactly, case-insensitively', async () => {
    expect(await search('BODY DU')).toBe('* SEARCH 1');
    expect(await search('BODY "k?"')).toBe('* SEARCH 3');
    expect(await search('BODY 25')).toBe('* SEARCH 2');
    expect(await search('BODY z')).toBe('* SEARCH');
    expect(await search('BODY ""')).toBe('* SEARCH 1 2 3');
  });

  it('keeps NOT and OR exact over the index', async () => {
    expect(await search('NOT BODY friday')).toBe('* SEARCH 2 3');
    expect(await search('OR BODY sunny BODY nothing')).toBe('* SEARCH 2 3');
    expect(await search(`NOT BODY ${literal('开会')}`)).toBe('* SEARCH 2 3');
  });

  it('never matches a body needle across the header/body boundary', async () => {
    // Subject "Invoice" then the body "Due Friday": the index holds "invoice\ndue friday".
    expect(await search('BODY invoice')).toBe('* SEARCH');
    expect(await search('BODY "invoice due"')).toBe('* SEARCH');
    expect(await search('TEXT invoice')).toBe('* SEARCH 1');
    expect(await search('TEXT "invoice due"')).toBe('* SEARCH');
  });
});
