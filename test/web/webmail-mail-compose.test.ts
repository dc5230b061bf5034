// Compose in Chromium on a whole in-process server with a movable clock and a small message limit: Bcc, attachments and their limits, reply-all, forward with the original's attachments, and a session that times out mid-compose or with a message open.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/app/logger.js';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';
import type { RunningServer } from '../../src/app/start-server.js';
import { startServer } from '../../src/app/start-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';
import { ephemeralPortsEnv, removeTempDataDirs, tempDataDir } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';

const skip = chromiumUnavailable('webmail compose browser test');

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@example.test';
const MINUTE = 60_000;
/** smtp.max_message_bytes of this server: small, so the server's TOO_BIG is easy to reach. */
const MAX_MESSAGE_BYTES = 100_000;
const TIMED_OUT = 'Operation timed out — please sign in again';
/** A small but real PDF. */
const AGENDA = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe.skipIf(skip)('compose in Chromium', () => {
  let app: App;
  let server: RunningServer;
  let base: string;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const accounts = new Map<string, number>();
  const pageErrors: string[] = [];
  /** The server's clock runs this far ahead of the real one. */
  let offset = 0;

  async function signIn(page: Page, address: string, landing = 'Inbox'): Promise<void> {
    if (!new URL(page.url()).pathname.startsWith('/sign-in')) await page.goto(`${base}/`);
    await page.getByLabel('Email address').fill(address);
    await page.getByLabel('Password', { exact: true }).fill(passwordOf(address));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: landing }).waitFor();
  }

  async function openPage(): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    return page;
  }

  /** The stored messages of a folder, newest first, with their raw text. */
  async function messagesIn(address: string, folder: string): Promise<Array<{ uid: number; subject: string; raw: string }>> {
    const box = await app.mailboxes.get(accounts.get(address)!, folder);
    const rows = await app.mailboxes.page(box.id, { sort: 'date', order: 'desc', limit: 50 });
    const out = [];
    for (const row of rows) {
      const [full] = await app.mailboxes.messages(box.id, [row.uid]);
      out.push({ uid: row.uid, subject: row.subject, raw: (await app.mailboxes.body(full!.blob_id)).toString('utf8') });
    }
    return out;
  }

  beforeAll(async () => {
    ensureWebmailBuilt();
    const env = {
      ...ephemeralPortsEnv(),
      MAILWARD_HOSTNAME: 'mail.example.test',
      MAILWARD_SMTP_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
    };
    app = await openApp({ dataDir: tempDataDir('mailward-compose-'), config: loadConfig({ env }), logger: createLogger({ level: 'silent' }), env: {}, now: () => Date.now() + offset });
    await app.accounts.addDomain('example.test');
    for (const address of [ALICE, BOB, CAROL]) accounts.set(address, (await app.accounts.addUser({ address, password: passwordOf(address) })).id);
    server = await startServer(app);
    base = `http://127.0.0.1:${server.listeners.http!.port}`;
    browser = await launchChromium();
    alice = await openPage();
    bob = await openPage();
    await signIn(alice, ALICE);
    await signIn(bob, BOB);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    removeTempDataDirs();
  });

  it('sends to a Bcc recipient whom the others cannot see, with the attachments left on the list', async () => {
    await alice.getByRole('button', { name: 'New message' }).click();
    await alice.getByLabel('To', { exact: true }).fill(BOB);
    await alice.getByLabel('Bcc', { exact: true }).fill(CAROL);
    await alice.getByRole('textbox', { name: 'Subject' }).fill('Plans with files');
    await alice.getByLabel('Message', { exact: true }).fill('Both files are attached.');
    await alice.getByLabel('Attach files').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('n'.repeat(1500)) },
      { name: 'extra.txt', mimeType: 'text/plain', buffer: Buffer.from('not wanted after all') },
    ]);
    const attached = alice.getByRole('list', { name: 'Attached files' });
    await attached.getByText('notes.txt (2 KB)').waitFor();
    await attached.getByText('extra.txt (20 bytes)').waitFor();
    await attached.getByRole('button', { name: 'Remove extra.txt' }).click();
    await attached.getByText('extra.txt').waitFor({ state: 'detached' });
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await alice.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });

    const [toBob] = await messagesIn(BOB, 'INBOX');
    expect(toBob?.subject).toBe('Plans with files');
    expect(toBob?.raw).toContain('filename=notes.txt');
    expect(toBob?.raw).toContain(Buffer.from('n'.repeat(1500)).toString('base64').slice(0, 60));
    expect(toBob?.raw).not.toContain('extra.txt');
    expect(toBob?.raw).not.toMatch(/^bcc:/im);
    expect(toBob?.raw).not.toContain(CAROL);
    const [toCarol] = await messagesIn(CAROL, 'INBOX');
    expect(toCarol?.subject).toBe('Plans with files');
    expect(toCarol?.raw).toContain('filename=notes.txt');
  });

  it('refuses a file above the size limit itself, and shows the server refusing a message above its own', async () => {
    await alice.getByRole('button', { name: 'New message' }).click();
    await alice.getByLabel('To', { exact: true }).fill(BOB);
    await alice.getByRole('textbox', { name: 'Subject' }).fill('Too heavy');
    // Made in the page: sending 25 MB through the debugging protocol takes longer than the check.
    await alice.getByLabel('Attach files').evaluate((input, size) => {
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void }; files: unknown } };
      const files = new DataTransfer();
      files.items.add(new File([new Uint8Array(size)], 'huge.bin', { type: 'application/octet-stream' }));
      (input as unknown as { files: unknown }).files = files.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, 25 * 1024 * 1024 + 1);
    await alice.getByRole('alert').getByText('huge.bin was not attached: the attachments of a message may add up to 25.0 MB.').waitFor();
    expect(await alice.getByRole('list', { name: 'Attached files' }).count()).toBe(0);

    // Below the webmail's limit but above this server's smtp.max_message_bytes.
    await alice.getByLabel('Attach files').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(90_000, 7) });
    await alice.getByRole('list', { name: 'Attached files' }).getByText('big.bin (88 KB)').waitFor();
    const answer = alice.waitForResponse((r) => r.url().endsWith('/api/v1/mail/send'));
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    expect(((await (await answer).json()) as { code: string }).code).toBe('TOO_BIG');
    await alice.getByRole('alert').getByText(`The message is larger than ${MAX_MESSAGE_BYTES} bytes`).waitFor();
    expect((await messagesIn(BOB, 'INBOX')).map((m) => m.subject)).not.toContain('Too heavy');

    await alice.getByRole('button', { name: 'Remove big.bin' }).click();
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await alice.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    expect((await messagesIn(BOB, 'INBOX')).map((m) => m.subject)).toContain('Too heavy');
  });

  it('replies to all without the reader, and forwards with the original attachments', async () => {
    const raw = [
      `From: Alice <${ALICE}>`,
      `To: ${BOB}`,
      `Cc: ${CAROL}`,
      'Subject: Agenda',
      'Message-ID: <agenda-1@example.test>',
      'Date: Tue, 05 Mar 2024 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The agenda is attached.',
      '--b1',
      'Content-Type: application/pdf; name="agenda.pdf"',
      'Content-Disposition: attachment; filename="agenda.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      AGENDA.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    await app.mailboxes.append(accounts.get(BOB)!, 'INBOX', Buffer.from(raw));
    const row = bob.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Agenda' });
    await row.getByRole('button').click();
    await bob.getByRole('heading', { level: 2, name: 'Agenda' }).waitFor();

    await bob.getByRole('button', { name: 'Reply all' }).click();
    await bob.getByRole('heading', { name: 'New message' }).waitFor();
    expect(await bob.getByLabel('To', { exact: true }).inputValue()).toBe(ALICE);
    expect(await bob.getByLabel('Cc', { exact: true }).inputValue()).toBe(CAROL);
    expect(await bob.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Re: Agenda');
    expect(await bob.getByLabel('Message', { exact: true }).inputValue()).toContain('> The agenda is attached.');
    await bob.getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button').click();
    await bob.getByRole('button', { name: 'Forward' }).click();
    expect(await bob.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Fwd: Agenda');
    await bob.getByRole('list', { name: 'Attached files' }).getByText(`agenda.pdf (${AGENDA.length} bytes)`).waitFor();
    await bob.getByLabel('To', { exact: true }).fill(CAROL);
    await bob.getByRole('button', { name: 'Send', exact: true }).click();
    await bob.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    const forwarded = (await messagesIn(CAROL, 'INBOX')).find((m) => m.subject === 'Fwd: Agenda');
    expect(forwarded?.raw).toContain('filename=agenda.pdf');
    expect(forwarded?.raw.replace(/\r\n/g, '')).toContain(AGENDA.toString('base64'));
  });

  it('times out mid-compose: the next action says so, and after signing in again the autosaved draft is open with what was typed', async () => {
    await alice.getByRole('button', { name: 'New message' }).click();
    await alice.getByLabel('To', { exact: true }).fill(BOB);
    await alice.getByRole('textbox', { name: 'Subject' }).fill('Before the timeout');
    await alice.getByLabel('Message', { exact: true }).fill('Typed before the break.');
    await alice.getByText(/^Draft saved at/).waitFor();
    await expect.poll(() => new URL(alice.url()).searchParams.get('draft')).toMatch(/^\d+$/);

    offset += 31 * MINUTE;
    await alice.getByLabel('Message', { exact: true }).fill('Typed before the break. And a little more');
    await alice.getByText(TIMED_OUT).waitFor();
    expect(new URL(alice.url()).pathname).toBe('/sign-in');

    await signIn(alice, ALICE);
    await alice.getByRole('heading', { name: 'New message' }).waitFor();
    await expect.poll(() => alice.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Before the timeout');
    expect(await alice.getByLabel('Message', { exact: true }).inputValue()).toContain('Typed before the break.');
    expect(await alice.getByLabel('To', { exact: true }).inputValue()).toBe(BOB);
    const drafts = await messagesIn(ALICE, 'Drafts');
    expect(drafts.map((d) => d.subject)).toContain('Before the timeout');
    await alice.getByRole('button', { name: 'Close' }).click();
    await alice.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
  });

  it('brings the user back to the same folder with the same message open after a timeout', async () => {
    await alice.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Sent/ }).click();
    await alice.getByRole('list', { name: 'Messages' }).getByText('Plans with files').click();
    await alice.getByRole('heading', { level: 2, name: 'Plans with files' }).waitFor();
    const here = new URL(alice.url());
    expect(here.searchParams.get('folder')).toBe('Sent');
    expect(here.searchParams.get('uid')).toMatch(/^\d+$/);

    offset += 31 * MINUTE;
    await alice.getByRole('button', { name: 'Flag', exact: true }).click();
    await alice.getByText(TIMED_OUT).waitFor();
    await signIn(alice, ALICE, 'Sent');
    await alice.getByRole('heading', { level: 2, name: 'Plans with files' }).waitFor();
    expect(alice.url()).toBe(here.href);
    expect(pageErrors).toEqual([]);
  });
});
