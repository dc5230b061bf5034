// The mail views in Chromium on a whole in-process server: sending and live arrival, reading marks read (peek, then PATCH), phishing warnings, remote images on request, attachment previews, folders, bulk actions, the open folder and message in the URL, and compose autosave.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';

const skip = chromiumUnavailable('webmail mail browser test');

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@example.test';
const TRACKER = 'tracker.evil.example';
const NEWS = 'news@news.example';
const IMAGE_HOST = 'images.news.example';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** A plain message to `to`, or HTML, or one with attachments (multipart/mixed). */
function mail(to: string, subject: string, options: { from?: string; html?: string; files?: Array<{ name: string; type: string; data: Buffer }> } = {}): Buffer {
  const head = [`From: ${options.from ?? 'Dana <dana@elsewhere.example>'}`, `To: ${to}`, `Subject: ${subject}`, 'Date: Mon, 04 Mar 2024 09:00:00 +0000', 'MIME-Version: 1.0'];
  if (!options.files) {
    const type = options.html !== undefined ? 'text/html' : 'text/plain';
    return Buffer.from([...head, `Content-Type: ${type}; charset=utf-8`, '', options.html ?? `Text of ${subject}`, ''].join('\r\n'));
  }
  const parts = [['Content-Type: text/plain; charset=utf-8', '', `Text of ${subject}`].join('\r\n')];
  for (const f of options.files) {
    const base64 = f.data.toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push([`Content-Type: ${f.type}; name="${f.name}"`, `Content-Disposition: attachment; filename="${f.name}"`, 'Content-Transfer-Encoding: base64', '', base64].join('\r\n'));
  }
  return Buffer.from([...head, 'Content-Type: multipart/mixed; boundary="b1"', '', ...parts.map((p) => `--b1\r\n${p}`), '--b1--', ''].join('\r\n'));
}

const PHISHING = Buffer.from(
  [
    `From: "${ALICE}" <alice.support@evil.example>`,
    `To: ${BOB}`,
    'Subject: Verify your mailbox',
    'Date: Fri, 01 Mar 2024 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Please verify</p><img src="https://${TRACKER}/pixel.gif?u=bob" alt="pixel">`,
    '',
  ].join('\r\n'),
);

describe.skipIf(skip)('the mail views in Chromium', () => {
  let t: IMAPTestServer;
  let base: string;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let carol: Page;
  const remoteRequests: string[] = [];
  const pageErrors: string[] = [];

  async function signIn(page: Page, address: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('Email address').fill(address);
    await page.getByLabel('Password', { exact: true }).fill(passwordOf(address));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  }

  async function openPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(`csp: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) remoteRequests.push(request.url());
    });
    return page;
  }

  beforeAll(async () => {
    ensureWebmailBuilt();
    t = await startIMAPTestServer({ users: [ALICE, BOB, CAROL] });
    base = `http://127.0.0.1:${t.server.listeners.http!.port}`;
    browser = await launchChromium();
    alice = await openPage();
    bob = await openPage();
    await signIn(alice, ALICE);
    await signIn(bob, BOB);
    carol = await openPage();
    await signIn(carol, CAROL);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    removeTempDataDirs();
  });

  it('sends from one browser and the message appears live in the other, then reads as read', async () => {
    await alice.getByRole('button', { name: 'New message' }).click();
    await alice.getByLabel('To', { exact: true }).fill(BOB);
    await alice.getByRole('textbox', { name: 'Subject' }).fill('Lunch on Friday');
    await alice.getByLabel('Message', { exact: true }).fill('Shall we meet at noon?');
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await alice.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });

    // No reload on Bob's side: the event stream brings the count and the row.
    const row = bob.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Lunch on Friday' });
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('unread');
    await bob.getByRole('navigation', { name: 'Folders' }).getByText('(1)').waitFor();
    await row.getByRole('button').click();
    await bob.getByRole('heading', { level: 2, name: 'Lunch on Friday' }).waitFor();
    await bob.getByText('Shall we meet at noon?').waitFor();
    await expect.poll(() => row.getAttribute('class')).toContain('read');
    expect(await row.getAttribute('class')).not.toContain('unread');
    // Alice's Sent copy is in her Sent folder.
    await alice.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Sent/ }).click();
    await alice.getByRole('list', { name: 'Messages' }).getByText('Lunch on Friday').waitFor();
  });

  it('warns of a phishing-looking sender and loads nothing from the remote image host', async () => {
    await t.app.mailboxes.append(t.accounts.get(BOB)!, 'INBOX', PHISHING);
    const row = bob.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Verify your mailbox' });
    await row.waitFor();
    await row.getByRole('button').click();
    await bob.getByRole('heading', { level: 2, name: 'Verify your mailbox' }).waitFor();
    const banner = bob.getByRole('alert').filter({ hasText: /local address, but the mail came from alice\.support@evil\.example/ });
    await banner.waitFor();
    await bob.getByText('Remote images blocked.').waitFor();
    const frame = bob.locator('iframe.mail-html');
    // Same origin only for the image proxy's cookie, popups for the links a user clicks; never
    // scripts (with same-origin they would lift the sandbox).
    expect((await frame.getAttribute('sandbox'))?.split(' ').sort()).toEqual(['allow-popups', 'allow-popups-to-escape-sandbox', 'allow-same-origin']);
    await bob.frameLocator('iframe.mail-html').getByText('Please verify').waitFor();
    await bob.waitForTimeout(300);
    expect(remoteRequests.filter((u) => u.includes(TRACKER))).toEqual([]);
  });

  it('opens a link in the mail in a new tab, with no way back to the webmail (noopener)', async () => {
    const LINKED = Buffer.from(
      [
        'From: "News" <news@elsewhere.example>',
        `To: ${BOB}`,
        'Subject: Read the report',
        'Date: Sat, 02 Mar 2024 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<p>The <a href="${base}/linked-page">full report</a> is online.</p>`,
        '',
      ].join('\r\n'),
    );
    await t.app.mailboxes.append(t.accounts.get(BOB)!, 'INBOX', LINKED);
    const row = bob.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Read the report' });
    await row.getByRole('button').click();
    const link = bob.frameLocator('iframe.mail-html').getByRole('link', { name: 'full report' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    const [opened] = await Promise.all([bob.context().waitForEvent('page'), link.click()]);
    await opened.waitForLoadState('domcontentloaded');
    expect(opened.url()).toBe(`${base}/linked-page`);
    // noopener: the new tab cannot reach (or redirect) the webmail's window.
    expect(await opened.evaluate('window.opener')).toBeNull();
    await opened.close();
  });

  it('autosaves the compose form to Drafts, and a draft reopens in compose', async () => {
    await alice.getByRole('button', { name: 'New message' }).click();
    await alice.getByRole('textbox', { name: 'Subject' }).fill('Half-written plan');
    await alice.getByLabel('Message', { exact: true }).fill('The first steps are');
    await alice.getByText(/^Draft saved at/).waitFor();
    const drafts = await t.app.mailboxes.get(t.accounts.get(ALICE)!, 'Drafts');
    const rows = await t.app.mailboxes.page(drafts.id, { sort: 'date', order: 'desc', limit: 10 });
    expect(rows.map((r) => r.subject)).toEqual(['Half-written plan']);

    // Typing more replaces the saved draft instead of adding another.
    await alice.getByLabel('Message', { exact: true }).fill('The first steps are these.');
    await expect.poll(async () => (await t.app.mailboxes.counts(drafts.id)).messages, { timeout: 8_000 }).toBe(1);
    await alice.getByRole('button', { name: 'Close' }).click();
    await alice.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Drafts/ }).click();
    await alice.getByRole('list', { name: 'Messages' }).getByText('Half-written plan').click();
    await expect.poll(() => alice.getByLabel('Message', { exact: true }).inputValue()).toContain('The first steps are these.');
    expect(await alice.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Half-written plan');
    expect(pageErrors).toEqual([]);
  });

  async function deliver(address: string, raw: Buffer): Promise<number> {
    return (await t.app.mailboxes.append(t.accounts.get(address)!, 'INBOX', raw)).uid;
  }

  async function flagsOf(address: string, folder: string, uid: number): Promise<{ seen: number; flagged: number } | undefined> {
    const box = await t.app.mailboxes.get(t.accounts.get(address)!, folder);
    return (await t.app.mailboxes.listFlagsOf(box.id, [uid]))[0];
  }

  async function subjectsIn(address: string, folder: string): Promise<string[]> {
    const box = await t.app.mailboxes.get(t.accounts.get(address)!, folder);
    return (await t.app.mailboxes.page(box.id, { sort: 'subject', order: 'asc', limit: 100 })).map((r) => r.subject);
  }

  const folderButton = (page: Page, name: RegExp): ReturnType<Page['getByRole']> => page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name });
  const rowOf = (page: Page, subject: string): ReturnType<Page['getByRole']> => page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: subject });
  const query = (page: Page): string => new URL(page.url()).pathname + new URL(page.url()).search;

  it('marks an unread message read by itself: GET with peek=true, then PATCH seen=true, and the list follows', async () => {
    const uid = await deliver(CAROL, mail(CAROL, 'Peek and patch'));
    const calls: string[] = [];
    const watch = (request: { method(): string; url(): string; postData(): string | null }): void => {
      if (request.url().includes(`/messages/${uid}`)) calls.push(`${request.method()} ${new URL(request.url()).search} ${request.postData() ?? ''}`.trim());
    };
    carol.on('request', watch);
    try {
      const row = rowOf(carol, 'Peek and patch');
      await row.waitFor();
      expect(await row.getAttribute('class')).toContain('unread');
      await row.getByRole('button').click();
      await carol.getByRole('heading', { level: 2, name: 'Peek and patch' }).waitFor();
      await expect.poll(() => row.getAttribute('class')).not.toContain('unread');
      expect(calls).toContain('GET ?peek=true');
      expect(calls).toContain('PATCH  {"seen":true}');
      expect((await flagsOf(CAROL, 'INBOX', uid))?.seen).toBe(1);
      // A message already read is not changed again.
      calls.length = 0;
      await folderButton(carol, /^Sent/).click();
      await carol.goBack();
      await carol.getByRole('heading', { level: 2, name: 'Peek and patch' }).waitFor();
      await carol.waitForTimeout(300);
      expect(calls.filter((c) => c.startsWith('PATCH'))).toEqual([]);
    } finally {
      carol.off('request', watch);
    }
  });

  it('shows remote images on request through the same-origin proxy, for this message only, and always for a sender who asked', async () => {
    const html = `<p>Our spring news</p><img src="https://${IMAGE_HOST}/spring.png" alt="spring">`;
    await t.app.mail.deliver({
      raw: mail(CAROL, 'Spring newsletter', { from: `News <${NEWS}>`, html }),
      targets: [{ accountId: t.accounts.get(CAROL)!, mailbox: 'INBOX', flags: {} }],
      authResults: { spf: 'pass', dkim: [{ domain: 'news.example', result: 'pass' }], dmarc: { result: 'pass', policy: 'none', domain: 'news.example' } },
    });
    const gets: string[] = [];
    const watch = (request: { method(): string; url(): string }): void => {
      if (request.method() === 'GET' && /\/messages\/\d+\?/.test(request.url())) gets.push(new URL(request.url()).search);
    };
    carol.on('request', watch);
    const image = carol.frameLocator('iframe.mail-html').getByRole('img', { name: 'spring' });
    try {
      await rowOf(carol, 'Spring newsletter').getByRole('button').click();
      await carol.getByText('Remote images blocked.').waitFor();
      expect(await image.getAttribute('src')).toBeNull();
      await carol.getByRole('button', { name: 'Show images', exact: true }).click();
      await carol.getByText('Remote images blocked.').waitFor({ state: 'detached' });
      // Same origin: the proxy fetches the image, the browser never talks to the sender's host.
      await expect.poll(() => image.getAttribute('src')).toMatch(/^\/api\/v1\/mail\/image-proxy/);
      expect(gets).toContain('?peek=true&remoteImages=allow');

      // Only this time: opened again, the images are blocked again.
      await folderButton(carol, /^Sent/).click();
      await carol.goBack();
      await carol.getByText('Remote images blocked.').waitFor();

      await carol.getByRole('button', { name: `Always show images from ${NEWS}` }).click();
      await carol.getByText(`Images from ${NEWS} are always shown.`).waitFor();
      expect(await carol.getByText('Remote images blocked.').count()).toBe(0);
      await expect.poll(() => image.getAttribute('src')).toMatch(/^\/api\/v1\/mail\/image-proxy/);
      await folderButton(carol, /^Sent/).click();
      await carol.goBack();
      await carol.getByText(`Images from ${NEWS} are always shown.`).waitFor();

      await carol.getByRole('button', { name: 'Stop showing them automatically' }).click();
      await carol.getByText('Remote images blocked.').waitFor();
      expect(remoteRequests.filter((u) => u.includes(IMAGE_HOST))).toEqual([]);
    } finally {
      carol.off('request', watch);
    }
  });

  it('previews image attachments in the page, opens a PDF in a new tab, and downloads the rest', async () => {
    await deliver(
      CAROL,
      mail(CAROL, 'Files for you', {
        files: [
          { name: 'photo.png', type: 'image/png', data: PNG },
          { name: 'report.pdf', type: 'application/pdf', data: PDF },
          { name: 'data.zip', type: 'application/zip', data: Buffer.from('PK not really') },
        ],
      }),
    );
    await rowOf(carol, 'Files for you').getByRole('button').click();
    const section = carol.getByRole('region', { name: 'Attachments' });
    await section.waitFor();
    await section.getByRole('button', { name: 'Preview photo.png' }).click();
    const preview = section.getByRole('img', { name: 'photo.png' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/\/attachments\/0\?inline=true$/);
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);

    const pdf = section.getByRole('link', { name: 'Open report.pdf in a new tab' });
    expect(await pdf.getAttribute('target')).toBe('_blank');
    const pdfURL = await pdf.getAttribute('href');
    expect(pdfURL).toMatch(/\/attachments\/1\?inline=true$/);
    const answer = await carol.request.get(`${base}${pdfURL}`);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(answer.headers()['content-disposition']).toMatch(/^inline;/);
    expect(answer.headers()['content-security-policy']).toContain('sandbox');

    const zip = section.getByRole('link', { name: 'data.zip' });
    expect(await zip.getAttribute('download')).toBe('data.zip');
    expect(await section.getByRole('listitem').filter({ hasText: 'data.zip' }).getByRole('button').count()).toBe(0);
    const download = carol.waitForEvent('download');
    await zip.click();
    expect((await download).suggestedFilename()).toBe('data.zip');
  });

  it('creates, renames and deletes a folder after asking; the special folders can be neither renamed nor deleted', async () => {
    const nav = carol.getByRole('navigation', { name: 'Folders' });
    for (const special of [/^Inbox/, /^Drafts/, /^Sent/, /^Trash/, /^Junk/, /^Archive/]) {
      await folderButton(carol, special).click();
      await carol.getByRole('heading', { level: 1, name: special }).waitFor();
      expect(await nav.getByRole('button', { name: 'Rename folder' }).count()).toBe(0);
      expect(await nav.getByRole('button', { name: 'Delete folder', exact: true }).count()).toBe(0);
    }

    await nav.getByRole('button', { name: 'New folder' }).click();
    await nav.getByLabel('Folder name').fill('Projects');
    await nav.getByRole('button', { name: 'Create folder' }).click();
    await carol.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    expect(query(carol)).toBe('/mail?folder=Projects');
    expect((await t.app.mailboxes.find(t.accounts.get(CAROL)!, 'Projects'))?.name).toBe('Projects');

    await nav.getByRole('button', { name: 'Rename folder' }).click();
    expect(await nav.getByLabel('Folder name').inputValue()).toBe('Projects');
    await nav.getByLabel('Folder name').fill('Clients');
    await nav.getByRole('button', { name: 'Rename', exact: true }).click();
    await carol.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    expect(await t.app.mailboxes.find(t.accounts.get(CAROL)!, 'Projects')).toBeUndefined();
    expect((await t.app.mailboxes.find(t.accounts.get(CAROL)!, 'Clients'))?.name).toBe('Clients');

    // Deleting asks first; Cancel keeps the folder.
    await nav.getByRole('button', { name: 'Delete folder', exact: true }).click();
    const question = carol.getByRole('alertdialog');
    await question.getByText('Delete the folder Clients and every message in it? This cannot be undone.').waitFor();
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect(await t.app.mailboxes.find(t.accounts.get(CAROL)!, 'Clients')).toBeDefined();
    await nav.getByRole('button', { name: 'Delete folder', exact: true }).click();
    await carol.getByRole('alertdialog').getByRole('button', { name: 'Delete folder and messages' }).click();
    await carol.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await folderButton(carol, /^Clients/).waitFor({ state: 'detached' });
    expect(await t.app.mailboxes.find(t.accounts.get(CAROL)!, 'Clients')).toBeUndefined();

    // A name that is taken is refused with the server's words.
    await nav.getByRole('button', { name: 'New folder' }).click();
    await nav.getByLabel('Folder name').fill('Archive');
    await nav.getByRole('button', { name: 'Create folder' }).click();
    await carol.getByRole('alert').first().waitFor();
    await nav.getByRole('button', { name: 'Cancel' }).click();
  });

  it('selects messages one by one or the whole page, and marks, flags, moves and deletes them together', async () => {
    const uids = [await deliver(CAROL, mail(CAROL, 'Bulk one')), await deliver(CAROL, mail(CAROL, 'Bulk two')), await deliver(CAROL, mail(CAROL, 'Bulk three'))];
    await folderButton(carol, /^Inbox/).click();
    await rowOf(carol, 'Bulk three').waitFor();
    const tools = carol.getByRole('toolbar', { name: 'Selected messages' });
    await carol.getByRole('checkbox', { name: 'Select Bulk one' }).check();
    await carol.getByRole('checkbox', { name: 'Select Bulk two' }).check();
    await tools.getByText('2 selected').waitFor();

    await tools.getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(() => rowOf(carol, 'Bulk two').getAttribute('class')).not.toContain('unread');
    expect(await rowOf(carol, 'Bulk three').getAttribute('class')).toContain('unread');
    expect((await flagsOf(CAROL, 'INBOX', uids[0]!))?.seen).toBe(1);
    expect((await flagsOf(CAROL, 'INBOX', uids[1]!))?.seen).toBe(1);
    // The selection is done with once its action ran.
    await tools.getByText('2 selected').waitFor({ state: 'detached' });

    await carol.getByRole('checkbox', { name: 'Select Bulk one' }).check();
    await carol.getByRole('checkbox', { name: 'Select Bulk three' }).check();
    await tools.getByRole('button', { name: 'Flag', exact: true }).click();
    await rowOf(carol, 'Bulk three').getByLabel('Flagged').waitFor();
    expect((await flagsOf(CAROL, 'INBOX', uids[0]!))?.flagged).toBe(1);
    expect((await flagsOf(CAROL, 'INBOX', uids[2]!))?.flagged).toBe(1);
    expect((await flagsOf(CAROL, 'INBOX', uids[1]!))?.flagged).toBe(0);

    await carol.getByRole('checkbox', { name: 'Select Bulk one' }).check();
    await tools.getByRole('button', { name: 'Remove flag' }).click();
    await rowOf(carol, 'Bulk one').getByLabel('Flagged').waitFor({ state: 'detached' });
    expect((await flagsOf(CAROL, 'INBOX', uids[0]!))?.flagged).toBe(0);
    await carol.getByRole('checkbox', { name: 'Select Bulk two' }).check();
    await tools.getByRole('button', { name: 'Mark unread' }).click();
    await expect.poll(() => rowOf(carol, 'Bulk two').getAttribute('class')).toContain('unread');
    expect((await flagsOf(CAROL, 'INBOX', uids[1]!))?.seen).toBe(0);

    const shown = await carol.getByRole('list', { name: 'Messages' }).getByRole('listitem').count();
    await tools.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await tools.getByText(`${shown} selected`).waitFor();
    await tools.getByRole('checkbox', { name: 'Select all on this page' }).uncheck();
    await tools.getByText(/selected$/).waitFor({ state: 'detached' });

    await carol.getByRole('checkbox', { name: 'Select Bulk one' }).check();
    await carol.getByRole('checkbox', { name: 'Select Bulk two' }).check();
    await tools.getByLabel('Move to').selectOption({ label: 'Archive' });
    await tools.getByRole('button', { name: 'Move', exact: true }).click();
    await rowOf(carol, 'Bulk one').waitFor({ state: 'detached' });
    await rowOf(carol, 'Bulk two').waitFor({ state: 'detached' });
    expect(await subjectsIn(CAROL, 'Archive')).toEqual(['Bulk one', 'Bulk two']);

    await carol.getByRole('checkbox', { name: 'Select Bulk three' }).check();
    await tools.getByRole('button', { name: 'Delete', exact: true }).click();
    await rowOf(carol, 'Bulk three').waitFor({ state: 'detached' });
    expect(await subjectsIn(CAROL, 'Trash')).toContain('Bulk three');
    expect(await subjectsIn(CAROL, 'INBOX')).not.toContain('Bulk three');
  });

  it('keeps the open folder and message in the URL: a link or a reload opens them, Back and Forward move between them', async () => {
    await folderButton(carol, /^Archive/).click();
    await carol.getByRole('heading', { level: 1, name: 'Archive' }).waitFor();
    expect(query(carol)).toBe('/mail?folder=Archive');
    await rowOf(carol, 'Bulk one').getByRole('button').click();
    await carol.getByRole('heading', { level: 2, name: 'Bulk one' }).waitFor();
    const archive = await t.app.mailboxes.get(t.accounts.get(CAROL)!, 'Archive');
    const [one] = (await t.app.mailboxes.page(archive.id, { sort: 'subject', order: 'asc', limit: 1 })).map((r) => r.uid);
    expect(query(carol)).toBe(`/mail?folder=Archive&uid=${one}`);
    await rowOf(carol, 'Bulk two').getByRole('button').click();
    await carol.getByRole('heading', { level: 2, name: 'Bulk two' }).waitFor();
    await folderButton(carol, /^Inbox/).click();
    await carol.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    expect(query(carol)).toBe('/mail');

    await carol.goBack();
    await carol.getByRole('heading', { level: 2, name: 'Bulk two' }).waitFor();
    await carol.getByRole('heading', { level: 1, name: 'Archive' }).waitFor();
    await carol.goBack();
    await carol.getByRole('heading', { level: 2, name: 'Bulk one' }).waitFor();
    expect(query(carol)).toBe(`/mail?folder=Archive&uid=${one}`);
    await carol.goBack();
    await carol.getByText('Choose a message to read it here.').waitFor();
    await carol.goForward();
    await carol.getByRole('heading', { level: 2, name: 'Bulk one' }).waitFor();
    await carol.goForward();
    await carol.goForward();
    await carol.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();

    // A link (or a reload) straight to a message opens it in its folder.
    await carol.goto(`${base}/mail?folder=Archive&uid=${one}`);
    await carol.getByRole('heading', { level: 1, name: 'Archive' }).waitFor();
    await carol.getByRole('heading', { level: 2, name: 'Bulk one' }).waitFor();
    expect(await rowOf(carol, 'Bulk one').getAttribute('class')).toContain('selected');
    expect(pageErrors).toEqual([]);
  });
  it('loads the next page by itself as the list scrolls to its end, through a long folder', async () => {
    const account = t.accounts.get(CAROL)!;
    for (let i = 0; i < 130; i++) {
      const raw = Buffer.from(
        [`From: "Sender ${i}" <s${i}@elsewhere.example>`, `To: ${CAROL}`, `Subject: Long folder ${String(i).padStart(3, '0')}`, `Date: ${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}`, '', 'Hi', ''].join('\r\n'),
      );
      await t.app.mailboxes.append(account, 'Archive', raw);
    }
    await carol.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Archive/ }).click();
    const rows = carol.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await rows.first().waitFor();
    const first = await rows.count();
    expect(first).toBeLessThan(130);
    // Scrolling to the end brings the next pages without a click, each row once, until all are there.
    const more = carol.getByRole('button', { name: 'Load more' });
    for (let i = 0; i < 10 && (await more.count()) > 0; i++) {
      await more.scrollIntoViewIfNeeded().catch(() => undefined);
      await carol.waitForTimeout(200);
    }
    // The end of the folder: no more pages, every message of it listed once.
    expect(await more.count()).toBe(0);
    const subjects = await rows.getByText(/^Long folder \d{3}$/).allTextContents();
    expect(subjects).toHaveLength(130);
    expect(new Set(subjects).size).toBe(130);
  });
});
