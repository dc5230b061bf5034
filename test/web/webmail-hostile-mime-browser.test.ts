// Messages past the MIME limits delivered over SMTP, opened in Chromium: the reading pane shows what it can and says, in the reader's language, how much it leaves out, with a download of the original.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { deeplyNested, manyParts } from '../support/hostile-mime.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';
import { WireClient, wireDeliver } from '../support/smtp-wire.js';

const skip = chromiumUnavailable('webmail hostile MIME browser test');

const ALICE = 'alice@example.test';

type Tree = { [key: string]: string | Tree };

describe.skipIf(skip)('messages past the MIME limits in Chromium', () => {
  let t: IMAPTestServer;
  let base: string;
  let browser: Browser;
  let catalogues: Record<string, Tree>;
  const pageErrors: string[] = [];

  /** The text of `key` in `language`'s catalogue, with {{count}} filled in. */
  function text(language: string, key: string, count?: number): string {
    let node: string | Tree | undefined = catalogues[language];
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node !== 'string') throw new Error(`no text for ${key}`);
    return node.replace('{{count}}', String(count));
  }

  async function deliver(raw: Buffer): Promise<void> {
    const { final } = await wireDeliver(t.smtpPort, { from: 'mallory@remote.example', to: [ALICE], data: raw });
    expect(final.code, final.text).toBe(250);
  }

  /** A browser whose language is `language`, signed in as Alice. */
  async function signedIn(language: string): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, locale: language });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${base}/`);
    await page.getByLabel(text(language, 'auth.signIn.address')).fill(ALICE);
    await page.getByLabel(text(language, 'auth.signIn.password'), { exact: true }).fill(passwordOf(ALICE));
    await page.getByRole('button', { name: text(language, 'auth.signIn.submit'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: text(language, 'mail.folders.special.INBOX') }).waitFor();
    return page;
  }

  async function open(page: Page, language: string, subject: string): Promise<void> {
    await page.getByRole('list', { name: text(language, 'mail.list.title') }).getByRole('listitem').filter({ hasText: subject }).getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: subject }).waitFor();
  }

  beforeAll(async () => {
    ensureWebmailBuilt();
    // The catalogues, as the pages use them: the webmail is its own TypeScript program, loaded by URL.
    const resources = (await import(pathToFileURL(path.resolve('src/web/app/i18n/resources.ts')).href)) as { TRANSLATIONS: Record<string, Tree> };
    catalogues = resources.TRANSLATIONS;
    t = await startIMAPTestServer({ users: [ALICE] });
    base = `http://127.0.0.1:${t.server.listeners.http!.port}`;
    await deliver(manyParts({ subject: 'Five thousand parts', to: ALICE, parts: 5_000 }));
    await deliver(deeplyNested({ subject: 'Three hundred levels', to: ALICE, levels: 300 }));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    WireClient.destroyAll();
    await browser?.close();
    await t?.close();
    removeTempDataDirs();
  });

  it('shows the text, says how many parts are left out and offers the original as a download', async () => {
    const page = await signedIn('en');
    await open(page, 'en', 'Five thousand parts');
    const notice = page.getByRole('status').filter({ hasText: 'This message has more parts than Mailward displays.' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('4001 parts are not shown.');
    // The HTML part is the body, in its sandboxed frame; the files that could be listed are listed.
    await page.frameLocator('iframe.mail-html').getByText('of a message with many parts').waitFor();
    expect(await page.getByRole('region', { name: 'Attachments' }).getByRole('listitem').count()).toBe(997);
    const link = notice.getByRole('link', { name: 'Download the original message to see all of it.' });
    expect(await link.getAttribute('href')).toMatch(/\/api\/v1\/mail\/folders\/INBOX\/messages\/1\/raw$/);
    const download = page.waitForEvent('download');
    await link.click();
    expect((await download).suggestedFilename()).toBe('Five thousand parts.eml');
    expect(pageErrors).toEqual([]);
  });

  it('says so in Chinese for a message nested too deeply, and every message offers its original', async () => {
    for (const language of ['zh-TW', 'zh-CN']) {
      const page = await signedIn(language);
      await open(page, language, 'Three hundred levels');
      const notice = page.getByRole('status').filter({ hasText: text(language, 'mail.reader.partial.TOO_DEEP') });
      await notice.waitFor();
      expect(await notice.textContent()).toContain(text(language, 'mail.reader.partial.notShown_other', 1));
      await notice.getByRole('link', { name: text(language, 'mail.reader.partial.seeOriginal') }).waitFor();
      expect(await page.getByRole('link', { name: text(language, 'mail.reader.downloadOriginal') }).getAttribute('href')).toMatch(/\/messages\/2\/raw$/);
      await page.context().close();
    }
    expect(pageErrors).toEqual([]);
  });
});
