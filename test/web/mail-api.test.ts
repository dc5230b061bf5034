// The webmail's mail API over a real socket on a whole in-process server: folders, pages in every order, sanitised reading, sandboxed attachments, changes IMAP sees, sending, live updates.
import type { ExpungeEvent, FlagsEvent } from 'imapflow';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIClient } from '../support/api-client.js';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { waitFor } from '../support/wait-for.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@example.test';

interface Item {
  uid: number;
  from: { name: string; address: string } | null;
  subject: string;
  receivedAt: number;
  seen: boolean;
  flagged: boolean;
  hasAttachments: boolean;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

function plain(options: { from: string; subject: string; body?: string; to?: string }): Buffer {
  return Buffer.from(`From: ${options.from}\r\nTo: ${options.to ?? ALICE}\r\nSubject: ${options.subject}\r\nDate: Fri, 01 Mar 2024 10:00:00 +0000\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.net>\r\n\r\n${options.body ?? 'Hello.'}\r\n`);
}

const HOSTILE_HTML = [
  '<p>Hi <b>Alice</b></p>',
  '<script>fetch("/api/v1/security/password")</script>',
  '<img src="x" onerror="alert(1)">',
  '<a href="javascript:alert(2)">click</a>',
  '<a href="https://example.net/ok" onclick="alert(3)">ok</a>',
  '<img src="https://tracker.example.net/pixel.gif?u=alice" alt="pixel">',
  '<form action="https://evil.example/steal"><input name="password"></form>',
  '<iframe src="https://evil.example/"></iframe>',
  '<div style="background:url(https://tracker.example.net/bg)">styled</div>',
].join('\n');

const HTML_MESSAGE = Buffer.from(
  [
    'From: "alice@example.test" <alice.support@evil.example>',
    `To: ${ALICE}`,
    'Subject: Please check',
    'Date: Fri, 01 Mar 2024 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: multipart/alternative; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi Alice',
    '--b2',
    'Content-Type: text/html; charset=utf-8',
    '',
    HOSTILE_HTML,
    '--b2--',
    '--b1',
    'Content-Type: text/html; name="invoice.html"',
    'Content-Disposition: attachment; filename="invoice.html"',
    '',
    '<script>document.cookie</script><h1>Invoice</h1>',
    '--b1--',
    '',
  ].join('\r\n'),
);

describe('webmail mail API', () => {
  let t: IMAPTestServer;
  let base: string;
  let alice: APIClient;
  let bob: APIClient;
  let aliceId: number;

  async function signIn(address: string): Promise<APIClient> {
    const client = new APIClient(base);
    const response = await client.call('POST', '/api/v1/session', { address, password: passwordOf(address) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return client;
  }

  function imap(): ImapFlow {
    return new ImapFlow({ host: '127.0.0.1', port: t.imapsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ALICE, pass: passwordOf(ALICE) }, logger: false });
  }

  beforeAll(async () => {
    t = await startIMAPTestServer({ users: [ALICE, BOB] });
    await t.app.accounts.addUser({ address: CAROL, password: passwordOf(CAROL), displayName: 'Carol Finance' });
    base = `http://127.0.0.1:${t.server.listeners.http!.port}`;
    aliceId = t.accounts.get(ALICE)!;
    alice = await signIn(ALICE);
    bob = await signIn(BOB);
  });
  afterAll(async () => {
    await t?.close();
    removeTempDataDirs();
  });

  it('lists, creates, renames and deletes folders; special folders stay; another account cannot reach them', async () => {
    const listed = await alice.call<{ folders: Array<{ name: string; specialUse: string | null; total: number; unread: number }> }>('GET', '/api/v1/mail/folders');
    expect(listed.status).toBe(200);
    expect(listed.body.folders.map((f) => f.name)).toEqual(expect.arrayContaining(['INBOX', 'Drafts', 'Sent', 'Trash', 'Junk', 'Archive']));
    expect(listed.body.folders.find((f) => f.name === 'Sent')).toMatchObject({ specialUse: 'Sent', total: 0, unread: 0 });

    expect((await alice.call('POST', '/api/v1/mail/folders', { name: 'Projects/2025' })).body).toMatchObject({ name: 'Projects/2025', total: 0 });
    expect((await alice.call('POST', '/api/v1/mail/folders', { name: 'Projects/2025' })).body).toMatchObject({ status: 409, code: 'EXISTS' });
    const renamed = await alice.call('PATCH', `/api/v1/mail/folders/${encodeURIComponent('Projects/2025')}`, { name: 'Projects/2026' });
    expect(renamed.body).toMatchObject({ name: 'Projects/2026' });
    expect((await alice.call('DELETE', `/api/v1/mail/folders/${encodeURIComponent('Projects/2026')}`)).status).toBe(204);
    expect((await alice.call('DELETE', '/api/v1/mail/folders/Projects%2F2026')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await alice.call('DELETE', '/api/v1/mail/folders/Sent')).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await alice.call('DELETE', '/api/v1/mail/folders/INBOX')).status).toBe(403);

    // CSRF: a change without the session's token is refused and changes nothing.
    expect((await alice.call('POST', '/api/v1/mail/folders', { name: 'Sneaky' }, { csrf: false })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await t.app.mailboxes.find(aliceId, 'Sneaky')).toBeUndefined();

    // Bob's folder is not Alice's: the same answer as a folder that does not exist.
    await bob.call('POST', '/api/v1/mail/folders', { name: 'Secret' });
    await t.app.mailboxes.append(t.accounts.get(BOB)!, 'Secret', plain({ from: 'x@example.net', subject: 'bob only', to: BOB }));
    expect((await alice.call('GET', '/api/v1/mail/folders/Secret/messages')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await alice.call('GET', '/api/v1/mail/folders/Secret/messages/1')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await bob.call<Page>('GET', '/api/v1/mail/folders/Secret/messages')).body.items).toHaveLength(1);
    expect((await new APIClient(base).call('GET', '/api/v1/mail/folders')).body).toMatchObject({ status: 401 });
    const docs = await alice.call<{ paths: Record<string, unknown> }>('GET', '/api/docs');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/mail/folders/{name}/messages/{uid}/attachments/{index}', '/api/v1/mail/send', '/api/v1/mail/events']));
  });

  it('pages through a few hundred messages completely and in order for every sort, filter and search', async () => {
    await t.app.mailboxes.create(aliceId, 'Bulk');
    const senders = ['Zed <zed@example.net>', 'amy@example.org', 'Bea <bea@example.com>', 'Cy <cy@example.net>', 'Dee <dee@example.org>'];
    const subjects = ['Report', 'lunch', 'Invoice', 'Alpha', 'Report', 'Zulu', 'meeting'];
    const start = Date.parse('2024-01-01T00:00:00Z');
    const count = 260;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        t.app.mail.deliver({
          raw: plain({ from: senders[i % senders.length]!, subject: `${subjects[i % subjects.length]!}`, body: i % 10 === 0 ? `needle number ${i}` : 'hay' }),
          targets: [{ accountId: aliceId, mailbox: 'Bulk', flags: { seen: i % 3 === 0, flagged: i % 4 === 0 } }],
          // Ties on purpose: 20 messages share each date, so the UID must break them.
          internalDate: start + (i % 13) * 86_400_000,
        }),
      ),
    );

    async function all(query: string): Promise<Item[]> {
      const out: Item[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const response: { status: number; body: Page } = await alice.call<Page>('GET', `/api/v1/mail/folders/Bulk/messages?limit=37&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        out.push(...response.body.items);
        cursor = response.body.nextCursor;
        if (!cursor) return out;
      }
      throw new Error('too many pages');
    }
    const keyOf = (item: Item, sort: string): string | number => (sort === 'date' ? item.receivedAt : sort === 'from' ? (item.from?.name ? `${item.from.name} <${item.from.address}>` : item.from!.address) : item.subject);

    for (const sort of ['date', 'from', 'subject']) {
      for (const order of ['desc', 'asc']) {
        const items = await all(`sort=${sort}&order=${order}`);
        expect(items).toHaveLength(count);
        expect(new Set(items.map((i) => i.uid)).size).toBe(count);
        const sign = order === 'desc' ? -1 : 1;
        for (let i = 1; i < items.length; i++) {
          const a = keyOf(items[i - 1]!, sort);
          const b = keyOf(items[i]!, sort);
          const cmp = a < b ? -1 : a > b ? 1 : items[i - 1]!.uid - items[i]!.uid;
          expect(sign * cmp, `${sort} ${order} at ${i}`).toBeLessThan(0);
        }
      }
    }
    const unread = await all('filter=unread');
    expect(unread).toHaveLength(Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 !== 0).length);
    expect(unread.every((i) => !i.seen)).toBe(true);
    expect((await all('filter=flagged&sort=subject&order=asc')).length).toBe(count / 4);

    const bySubject = await all(`q=${encodeURIComponent('subject:report from:zed')}&sort=date`);
    expect(bySubject.length).toBeGreaterThan(0);
    expect(bySubject.every((i) => i.subject === 'Report' && i.from?.address === 'zed@example.net')).toBe(true);
    const byBody = await all(`q=${encodeURIComponent('body:needle')}&sort=subject&order=asc`);
    expect(byBody).toHaveLength(count / 10);
    const since = await all(`q=${encodeURIComponent('since:2024-01-12')}`);
    expect(since.every((i) => i.receivedAt >= Date.parse('2024-01-12T00:00:00Z'))).toBe(true);
    expect(since).toHaveLength(Array.from({ length: count }, (_, i) => i).filter((i) => i % 13 >= 11).length);

    expect((await alice.call('GET', '/api/v1/mail/folders/Bulk/messages?sort=from&cursor=bm9wZQ')).body).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('reads a page of a 10,000-message folder from the index: a deep page costs what the first does', async () => {
    await t.app.mailboxes.create(aliceId, 'Big');
    const start = Date.parse('2023-01-01T00:00:00Z');
    for (let batch = 0; batch < 10; batch++) {
      await t.app.mail.deliverBatch({
        items: Array.from({ length: 1000 }, (_, i) => ({
          raw: plain({ from: `Sender ${(batch * 1000 + i) % 97} <s${i % 97}@example.net>`, subject: `Topic ${(batch * 1000 + i) % 89}` }),
          targets: [{ accountId: aliceId, mailbox: 'Big' }],
        })),
        internalDate: start + batch * 1000,
      });
    }
    for (const sort of ['date', 'from', 'subject']) {
      const first = await alice.call<Page>('GET', `/api/v1/mail/folders/Big/messages?limit=50&sort=${sort}`);
      expect(first.body.items).toHaveLength(50);
      let cursor = first.body.nextCursor!;
      // Walk deep (by cursor), then time one page there.
      for (let i = 0; i < 3; i++) cursor = (await alice.call<Page>('GET', `/api/v1/mail/folders/Big/messages?limit=200&sort=${sort}&cursor=${cursor}`)).body.nextCursor!;
      const began = performance.now();
      const deep = await alice.call<Page>('GET', `/api/v1/mail/folders/Big/messages?limit=50&sort=${sort}&cursor=${cursor}`);
      const took = performance.now() - began;
      expect(deep.body.items).toHaveLength(50);
      expect(took, `${sort}: ${took.toFixed(0)} ms`).toBeLessThan(250);
    }
  });

  it('reads HTML mail sanitised, blocks remote images or proxies them, warns of a failed sender and an imitated local user, and marks nothing read', async () => {
    await t.app.mailboxes.create(aliceId, 'Read');
    await t.app.mail.deliver({
      raw: HTML_MESSAGE,
      targets: [{ accountId: aliceId, mailbox: 'Read' }],
      authResults: { spf: 'fail', dkim: [], dmarc: { result: 'fail', policy: 'none', domain: 'evil.example' }, arc: 'none' },
    });
    const peek = await alice.call('GET', '/api/v1/mail/folders/Read/messages/1?peek=true');
    expect(peek.status, JSON.stringify(peek.body)).toBe(200);
    expect(peek.body['seen']).toBe(false);
    const html = peek.body['html'] as string;
    expect(html).toContain('<b>Alice</b>');
    for (const bad of ['<script', 'onerror', 'onclick', 'javascript:', '<form', '<input', '<iframe', 'style=', 'tracker.example.net/bg']) expect(html).not.toContain(bad);
    expect(html).toContain('data-remote-src="https://tracker.example.net/pixel.gif?u=alice"');
    expect(html).not.toMatch(/\ssrc="https:\/\/tracker/);
    expect(html).toContain('href="https://example.net/ok"');
    expect(peek.body['remoteImagesBlocked']).toBe(true);
    expect(peek.body['text']).toContain('Hi Alice');
    expect(peek.body['attachments']).toEqual([expect.objectContaining({ index: 0, filename: 'invoice.html', contentType: 'text/html' })]);
    expect(peek.body['authentication']).toMatchObject({ spf: 'fail', dmarc: 'fail' });
    expect((peek.body['warnings'] as Array<{ code: string }>).map((w) => w.code).sort()).toEqual(['AUTHENTICATION_FAILED', 'DISPLAY_NAME_IMITATES_LOCAL_USER']);

    expect(peek.body['imagesAllowedForSender']).toBe(false);

    // Allowed: the image goes through the server's proxy, never straight to the sender's host.
    const allowed = await alice.call('GET', '/api/v1/mail/folders/Read/messages/1?peek=true&remoteImages=allow');
    const proxied = (allowed.body['html'] as string).match(/<img[^>]*?\ssrc="([^"]*)"/)?.[1]?.replace(/&amp;/g, '&');
    expect(proxied).toMatch(/^\/api\/v1\/mail\/image-proxy\?u=https%3A%2F%2Ftracker\.example\.net%2Fpixel\.gif%3Fu%3Dalice&s=[A-Za-z0-9_-]{43}$/);
    expect(allowed.body['html']).not.toContain('tracker.example.net/pixel.gif');
    expect(allowed.body['remoteImagesBlocked']).toBe(false);

    // Reading is a GET without side effects, with or without peek: a link from another site (which
    // carries the SameSite=Lax cookie) cannot mark mail read. The webmail marks read with PATCH.
    const flagsOfRead = async (): Promise<number | undefined> => (await t.app.mailboxes.listFlagsOf((await t.app.mailboxes.get(aliceId, 'Read')).id, [1]))[0]?.seen;
    const read = await alice.call('GET', '/api/v1/mail/folders/Read/messages/1');
    expect(read.status).toBe(200);
    expect(read.body['seen']).toBe(false);
    expect(await flagsOfRead()).toBe(0);
    expect((await alice.call('GET', '/api/v1/mail/folders/Read/messages/1?peek=false')).body['seen']).toBe(false);
    expect(await flagsOfRead()).toBe(0);
    expect((await alice.call('PATCH', '/api/v1/mail/folders/Read/messages/1', { seen: true })).body).toMatchObject({ uid: 1, seen: true });
    expect(await flagsOfRead()).toBe(1);
    expect((await alice.call('GET', '/api/v1/mail/folders/Read/messages/1')).body['seen']).toBe(true);

    // A display name equal to a local user's name, from elsewhere.
    await t.app.mailboxes.append(aliceId, 'Read', plain({ from: 'Carol Finance <carol.finance@elsewhere.example>', subject: 'wire transfer' }));
    const imitation = await alice.call('GET', '/api/v1/mail/folders/Read/messages/2');
    expect(imitation.body['warnings']).toEqual([expect.objectContaining({ code: 'DISPLAY_NAME_IMITATES_LOCAL_USER' })]);
    // The same name from the local user herself is no warning.
    await t.app.mailboxes.append(aliceId, 'Read', plain({ from: `Carol Finance <${CAROL}>`, subject: 'real' }));
    expect((await alice.call('GET', '/api/v1/mail/folders/Read/messages/3')).body['warnings']).toEqual([]);
  });

  it('keeps a validated per-account list of senders whose images load by themselves, honoured only for authenticated mail', async () => {
    expect((await alice.call('GET', '/api/v1/mail/image-senders')).body).toEqual({ senders: [] });
    const added = await alice.call('POST', '/api/v1/mail/image-senders', { address: '  Letters@Shop.Example ' });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ address: 'letters@shop.example', createdAt: expect.any(Number) });
    // Twice is once; the first time stays.
    expect((await alice.call('POST', '/api/v1/mail/image-senders', { address: 'letters@shop.example' })).body).toEqual(added.body);
    expect((await alice.call('GET', '/api/v1/mail/image-senders')).body).toEqual({ senders: [added.body] });
    for (const bad of [{ address: 'not an address' }, { address: '' }, { address: 'a@b@c.example' }, { address: 'x'.repeat(400) }, { address: 42 }, {}, { address: 'a@shop.example', extra: 1 }]) {
      expect((await alice.call('POST', '/api/v1/mail/image-senders', bad)).body, JSON.stringify(bad)).toMatchObject({ status: 400 });
    }
    // A change needs the CSRF token; Bob sees and changes only his own list.
    expect((await alice.call('POST', '/api/v1/mail/image-senders', { address: 'sneaky@shop.example' }, { csrf: false })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await bob.call('GET', '/api/v1/mail/image-senders')).body).toEqual({ senders: [] });
    expect((await bob.call('DELETE', '/api/v1/mail/image-senders/letters%40shop.example')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    await t.app.mailboxes.create(aliceId, 'Shop');
    const raw = Buffer.from(
      'From: Shop <letters@shop.example>\r\nTo: alice@example.test\r\nSubject: sale\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Sale</p><img src="http://127.0.0.1/banner.png" alt="banner">\r\n',
    );
    const passed = { spf: 'pass', dkim: [{ domain: 'shop.example', result: 'pass' }], dmarc: { result: 'pass', policy: 'reject', domain: 'shop.example' }, arc: 'none' };
    const dkimOnly = { spf: 'none', dkim: [{ domain: 'shop.example', result: 'pass' }], dmarc: { result: 'none', policy: null, domain: null }, arc: 'none' };
    const spfOnly = { spf: 'pass', dkim: [], dmarc: { result: 'none', policy: null, domain: null }, arc: 'none' };
    const otherSigner = { spf: 'none', dkim: [{ domain: 'bulk-mailer.example', result: 'pass' }], dmarc: { result: 'none', policy: null, domain: null }, arc: 'none' };
    const forged = { spf: 'fail', dkim: [], dmarc: { result: 'fail', policy: 'none', domain: 'shop.example' }, arc: 'none' };
    const cases: Array<[string, unknown, boolean]> = [
      ['DMARC pass', passed, true],
      ['DKIM of the From domain', dkimOnly, true],
      ['SPF only (envelope, not From)', spfOnly, false],
      ['DKIM of another domain', otherSigner, false],
      ['failed', forged, false],
      ['no verdicts', undefined, false],
    ];
    for (const [label, authResults, loads] of cases) {
      const [stored] = await t.app.mail.deliver({ raw, targets: [{ accountId: aliceId, mailbox: 'Shop' }], ...(authResults !== undefined ? { authResults } : {}) });
      const view = (await alice.call('GET', `/api/v1/mail/folders/Shop/messages/${stored!.uid}`)).body;
      expect({ allowed: view['imagesAllowedForSender'], authenticated: view['senderAuthenticated'], blocked: view['remoteImagesBlocked'] }, label).toEqual({ allowed: loads, authenticated: loads, blocked: !loads });
      expect(view['html'], label).toContain(loads ? 'src="/api/v1/mail/image-proxy?u=http%3A%2F%2F127.0.0.1%2Fbanner.png&amp;s=' : 'data-remote-src="http://127.0.0.1/banner.png"');
      if (loads) {
        // The server's real guard: this mail's image is on loopback, so the proxy refuses to fetch it.
        const src = (view['html'] as string).match(/\ssrc="([^"]*)"/)![1]!.replace(/&amp;/g, '&');
        const response = await fetch(new URL(src, base), { headers: { cookie: `mw_session=${alice.cookies.get('mw_session')}` } });
        expect(response.status, label).toBe(403);
        expect(await response.json(), label).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'refused-address' } });
      }
    }

    expect((await alice.call('DELETE', `/api/v1/mail/image-senders/${encodeURIComponent('LETTERS@shop.example')}`)).status).toBe(204);
    expect((await alice.call('DELETE', '/api/v1/mail/image-senders/letters%40shop.example')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await alice.call('DELETE', '/api/v1/mail/image-senders/nonsense')).body).toMatchObject({ status: 400, code: 'INVALID_ADDRESS' });
    expect((await alice.call('GET', '/api/v1/mail/image-senders')).body).toEqual({ senders: [] });
    const [again] = await t.app.mail.deliver({ raw, targets: [{ accountId: aliceId, mailbox: 'Shop' }], authResults: passed });
    expect((await alice.call('GET', `/api/v1/mail/folders/Shop/messages/${again!.uid}`)).body).toMatchObject({ imagesAllowedForSender: false, senderAuthenticated: true, remoteImagesBlocked: true });
  });

  it('serves an HTML attachment as a sandboxed download, never as a page of the webmail', async () => {
    const response = await fetch(`${base}/api/v1/mail/folders/Read/messages/1/attachments/0?inline=true`, { headers: { cookie: `mw_session=${alice.cookies.get('mw_session')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.html"/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<h1>Invoice</h1>');
    expect((await alice.call('GET', '/api/v1/mail/folders/Read/messages/1/attachments/5')).body).toMatchObject({ status: 404 });
  });

  it('downloads the original message byte for byte as a sandboxed .eml, to its owner only', async () => {
    const get = (client: APIClient | undefined, path: string): Promise<Response> =>
      fetch(`${base}${path}`, { headers: client ? { cookie: `mw_session=${client.cookies.get('mw_session')}` } : {} });
    const response = await get(alice, '/api/v1/mail/folders/Read/messages/1/raw');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('message/rfc822');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="Please check.eml"/);
    expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const client = imap();
    await client.connect();
    try {
      await client.mailboxOpen('Read');
      const stored = await client.fetchOne('1', { source: true }, { uid: true });
      expect(stored && Buffer.from(await response.arrayBuffer()).equals(stored.source!)).toBe(true);
    } finally {
      await client.logout();
    }
    expect(await (await get(bob, '/api/v1/mail/folders/Read/messages/1/raw')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await (await get(undefined, '/api/v1/mail/folders/Read/messages/1/raw')).json()).toMatchObject({ status: 401 });
    expect(await (await get(alice, '/api/v1/mail/folders/Read/messages/99/raw')).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('flags, moves and deletes through Mailboxes: an IDLE IMAP client sees each change', async () => {
    await t.app.mailboxes.create(aliceId, 'Watch');
    for (let i = 0; i < 3; i++) await t.app.mailboxes.append(aliceId, 'Watch', plain({ from: 'w@example.net', subject: `watch ${i}` }));
    const client = imap();
    await client.connect();
    try {
      await client.mailboxOpen('Watch');
      const flags = new Promise<FlagsEvent>((resolve) => client.once('flags', resolve));
      const expunges: ExpungeEvent[] = [];
      client.on('expunge', (event: ExpungeEvent) => void expunges.push(event));
      void client.idle().catch(() => undefined);

      const patched = await alice.call('PATCH', '/api/v1/mail/folders/Watch/messages/1', { flagged: true, seen: true });
      expect(patched.body).toMatchObject({ uid: 1, flagged: true, seen: true });
      const event = await Promise.race([flags, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no FETCH FLAGS over IDLE')), 3000))]);
      expect(event.uid ?? event.seq).toBe(1);
      expect([...event.flags]).toEqual(expect.arrayContaining(['\\Flagged', '\\Seen']));

      expect((await alice.call('POST', '/api/v1/mail/folders/Watch/messages/move', { uids: [2], to: 'Archive' })).body).toMatchObject({ moved: [{ uid: 2 }] });
      const deleted = await alice.call<{ movedToTrash: Array<{ uid: number; newUid: number }> }>('POST', '/api/v1/mail/folders/Watch/messages/delete', { uids: [3] });
      expect(deleted.body.movedToTrash).toHaveLength(1);
      await waitFor(() => expunges.length >= 2, { timeout: 3000, what: 'two EXPUNGEs over IDLE' });
      expect(expunges).toHaveLength(2);

      // Deleting in Trash removes for good.
      const trashUid = deleted.body.movedToTrash[0]!.newUid;
      expect((await alice.call('POST', '/api/v1/mail/folders/Trash/messages/delete', { uids: [trashUid] })).body).toMatchObject({ removed: [trashUid] });
      expect((await alice.call('GET', `/api/v1/mail/folders/Trash/messages/${trashUid}`)).status).toBe(404);
      expect((await alice.call('PATCH', '/api/v1/mail/folders/Watch/messages/1', { flagged: false }, { csrf: false })).status).toBe(403);
    } finally {
      await client.logout().catch(() => undefined);
    }
  });

  it('sends as the session account only: local delivery, a Sent copy, no From of the sender’s choosing', async () => {
    const sent = await alice.call('POST', '/api/v1/mail/send', { to: [BOB], subject: 'Lunch?', text: 'At noon.', attachments: [{ filename: 'menu.txt', contentType: 'text/plain', base64: Buffer.from('soup').toString('base64') }] });
    expect(sent.body).toEqual({ delivered: 1, queued: 0 });
    const inbox = await bob.call<Page>('GET', '/api/v1/mail/folders/INBOX/messages?q=subject%3Alunch');
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({ from: { address: ALICE }, hasAttachments: true });
    const copy = await alice.call<Page>('GET', '/api/v1/mail/folders/Sent/messages');
    expect(copy.body.items.map((i) => i.subject)).toContain('Lunch?');

    const forged = await alice.call('POST', '/api/v1/mail/send', { from: 'admin@example.test', to: [BOB], subject: 'x', text: 'y' });
    expect(forged.body).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect((await alice.call('POST', '/api/v1/mail/send', { to: [BOB], subject: 'x', text: 'y' }, { csrf: false })).status).toBe(403);
    expect((await alice.call('POST', '/api/v1/mail/send', { to: ['nobody@example.test'], subject: 'x', text: 'y' })).body).toMatchObject({ status: 404 });

    const contacts = await alice.call<{ contacts: Array<{ address: string }> }>('GET', '/api/v1/mail/contacts?q=bob');
    expect(contacts.body.contacts.map((c) => c.address)).toEqual([BOB]);
  });

  it('autosaves a draft, replacing the previous save', async () => {
    const first = await alice.call<{ uid: number }>('PUT', '/api/v1/mail/drafts', { to: [BOB], bcc: [CAROL], subject: 'Draft one', text: 'half' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    // The draft keeps its Bcc, so compose reopens it whole.
    const saved = await alice.call<{ bcc: Array<{ address: string }> }>('GET', `/api/v1/mail/folders/Drafts/messages/${first.body.uid}`);
    expect(saved.body.bcc.map((a) => a.address)).toEqual([CAROL]);
    const second = await alice.call<{ uid: number }>('PUT', '/api/v1/mail/drafts', { draftUid: first.body.uid, to: [BOB], subject: 'Draft two', text: 'whole' });
    expect(second.body.uid).toBeGreaterThan(first.body.uid);
    const drafts = await alice.call<Page>('GET', '/api/v1/mail/folders/Drafts/messages');
    expect(drafts.body.items.map((i) => i.subject)).toEqual(['Draft two']);
    // Sending it removes the draft for good (not to Trash).
    const sent = await alice.call('POST', '/api/v1/mail/send', { draftUid: second.body.uid, to: [BOB], subject: 'Draft two', text: 'whole' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect((await alice.call<Page>('GET', '/api/v1/mail/folders/Drafts/messages')).body.items).toEqual([]);
    expect((await alice.call<Page>('GET', '/api/v1/mail/folders/Trash/messages')).body.items.map((i) => i.subject)).not.toContain('Draft two');
  });

  it('streams a mailbox event within a second of a delivery and of an IMAP flag change', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/mail/events`, { headers: { cookie: `mw_session=${alice.cookies.get('mw_session')}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let buffer = '';
    async function nextEvent(name: string, timeoutMs: number): Promise<Record<string, unknown>> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`).exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!) as Record<string, unknown>;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${name} event; got ${buffer}`);
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
        if (chunk && !chunk.done) buffer += new TextDecoder().decode(chunk.value);
      }
    }
    try {
      // The stream's first line (the retry hint) is written in the same turn as it subscribes to events.
      while (!buffer.includes('retry: ')) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`the stream ended before its first line; got ${buffer}`);
        buffer += new TextDecoder().decode(chunk.value);
      }
      await t.app.mail.deliver({ raw: plain({ from: 'live@example.net', subject: 'live' }), targets: [{ accountId: aliceId }] });
      const delivered = await nextEvent('mailbox', 1000);
      const counts = await t.app.mailboxes.counts((await t.app.mailboxes.get(aliceId, 'INBOX')).id);
      expect(delivered).toEqual({ name: 'INBOX', total: counts.messages, unread: counts.unseen });

      const client = imap();
      await client.connect();
      try {
        await client.mailboxOpen('Watch');
        await client.messageFlagsRemove('1', ['\\Seen'], { uid: true });
      } finally {
        await client.logout().catch(() => undefined);
      }
      expect(await nextEvent('mailbox', 1000)).toMatchObject({ name: 'Watch', unread: 1 });
    } finally {
      controller.abort();
    }
  });

  it('ends the live stream when the session is forced out', async () => {
    const other = await signIn(ALICE);
    const me = await other.call<{ deviceId: string }>('GET', '/api/v1/session');
    const response = await fetch(`${base}/api/v1/mail/events`, { headers: { cookie: `mw_session=${other.cookies.get('mw_session')}` } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    let text = '';
    const ended = (async (): Promise<boolean> => {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return true;
        text += new TextDecoder().decode(chunk.value);
      }
    })();
    expect((await other.call('POST', `/api/v1/security/devices/${me.body.deviceId}/logout`)).status).toBeLessThan(300);
    expect(await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), 2000))])).toBe(true);
    expect(text).toContain('event: end\ndata: {"reason":"session"}');
  });
});
