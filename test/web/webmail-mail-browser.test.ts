// The mail views in Chromium on a whole in-process server: composing and sending, a new message arriving live in another browser, reading marks it read, a phishing warning with no remote load, and compose autosave to Drafts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';

const skip = chromiumUnavailable('webmail mail browser test');

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const TRACKER = 'tracker.evil.example';

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
    t = await startIMAPTestServer({ users: [ALICE, BOB] });
    base = `http://127.0.0.1:${t.server.listeners.http!.port}`;
    browser = await launchChromium();
    alice = await openPage();
    bob = await openPage();
    await signIn(alice, ALICE);
    await signIn(bob, BOB);
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
    expect(await frame.getAttribute('sandbox')).toBe('');
    await bob.frameLocator('iframe.mail-html').getByText('Please verify').waitFor();
    await bob.waitForTimeout(300);
    expect(remoteRequests.filter((u) => u.includes(TRACKER))).toEqual([]);
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
});
