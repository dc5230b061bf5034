// Personal Settings → Settings in headless Chromium against the real HTTP app: the display name in the header, the language kept on the server across sign-ins, and auto-forwarding behind the personal security code.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import type { Forwarding } from '../../src/transport/index.js';
import type { APIServer } from '../support/api-server.js';
import { startAPIServer } from '../support/api-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, forwardingWith, openSecurityFixture } from '../support/security-fixture.js';
import { accountRecords } from '../../src/accounts/index.js';

const skip = chromiumUnavailable('webmail settings browser test');

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const BOB = `bob@${FIXTURE_DOMAIN}`;
const CAROL = 'carol@remote.example';
const SECURITY_CODE = 'blue-harbour-42';

describe.skipIf(skip)('Profile and Auto-forwarding in Chromium', () => {
  let f: SecurityFixture;
  let alice: Account;
  let forwarding: Forwarding;
  let server: APIServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  async function openPage(target: Page): Promise<void> {
    target.setDefaultTimeout(5_000);
    target.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    target.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(`csp: ${message.text()}`);
    });
  }

  beforeAll(async () => {
    ensureWebmailBuilt();
    f = await openSecurityFixture('sqlite');
    alice = await f.addUser('alice');
    await f.addUser('bob');
    forwarding = forwardingWith(f);
    server = await startAPIServer(f, { settings: { forwarding } });
    base = server.base;
    browser = await launchChromium();
    // An English browser: the pages start in English, whatever the machine's locale.
    context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    await openPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await f?.cleanup();
  });

  async function signIn(target: Page): Promise<void> {
    await target.getByLabel('Email address').fill(ALICE);
    await target.getByLabel('Password', { exact: true }).fill(FIXTURE_PASSWORD);
    await target.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** Opens a page of the Settings section of the Personal Settings menu by its name. */
  async function openSettingsPage(target: Page, menu: { personalSettings: string; settings: string }, name: string): Promise<void> {
    await target.getByRole('navigation', { name: menu.personalSettings }).getByRole('list', { name: menu.settings }).getByRole('link', { name }).click();
    await target.getByRole('heading', { level: 1, name }).waitFor();
  }

  const ENGLISH = { personalSettings: 'Personal Settings', settings: 'Settings' };
  const TAIWAN = { personalSettings: '個人設定', settings: '設定' };

  it('changes the display name and shows it in the header at once', async () => {
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSettingsPage(page, ENGLISH, 'Profile');
    const form = page.getByRole('form', { name: 'Profile' });
    await form.getByText(`Email address: ${ALICE}`).waitFor();
    await form.getByLabel('Display name').fill('  Alice Liddell ');
    await form.getByRole('button', { name: 'OK' }).click();
    await form.getByRole('status').filter({ hasText: 'Your profile has been saved.' }).waitFor();
    await page.locator('header .account').filter({ hasText: `Alice Liddell <${ALICE}>` }).waitFor();
    expect(await form.getByLabel('Display name').inputValue()).toBe('Alice Liddell');
    expect((await f.store.accounts.findById(alice.id))!.display_name).toBe('Alice Liddell');
  });

  it('switches the pages to Traditional Chinese, and a fresh browser signing in again still gets it', async () => {
    const form = page.getByRole('form', { name: 'Profile' });
    const language = form.getByLabel('Language');
    expect(await language.locator('option').allTextContents()).toEqual(['Same as the browser', 'English', '繁體中文', '简体中文']);
    await language.selectOption({ label: '繁體中文' });
    await form.getByRole('button', { name: 'OK' }).click();
    // Switched without a reload: the title, the menu and the form speak Chinese now.
    await page.getByRole('heading', { level: 1, name: '個人資料' }).waitFor();
    await page.getByRole('status').filter({ hasText: '您的個人資料已儲存。' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-TW');
    await openSettingsPage(page, TAIWAN, '自動轉寄');
    await page.getByRole('button', { name: '登出' }).click();

    const fresh = await browser.newContext({ locale: 'en-US' });
    try {
      const tab = await fresh.newPage();
      await openPage(tab);
      await tab.goto(`${base}/`);
      // Before sign-in this English browser shows English; the choice comes with the session.
      await tab.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
      await signIn(tab);
      await tab.getByRole('link', { name: '個人設定', exact: true }).waitFor();
      expect(await tab.locator('html').getAttribute('lang')).toBe('zh-TW');
      await tab.getByRole('link', { name: '個人設定', exact: true }).click();
      await openSettingsPage(tab, TAIWAN, '個人資料');
      const profile = tab.getByRole('form', { name: '個人資料' });
      expect(await profile.getByLabel('語言').inputValue()).toBe('zh-TW');
      expect(await profile.getByLabel('顯示名稱').inputValue()).toBe('Alice Liddell');

      // Back to the browser's language: this English browser turns English again at once.
      await profile.getByLabel('語言').selectOption({ label: '與瀏覽器相同' });
      await profile.getByRole('button', { name: '確定' }).click();
      await tab.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      expect(await tab.locator('html').getAttribute('lang')).toBe('en');
      expect((await f.store.accounts.findById(alice.id))!.language).toBe('');
    } finally {
      await fresh.close();
    }
  });

  it('sets auto-forwarding behind the personal security code: a wrong code is refused with its message, the right one saves', async () => {
    await f.policies.set('security_code.enabled', true);
    const fresh = (await accountRecords(f.store).findById(alice.id))!;
    await f.security.accountSecurity.setSecurityCode({ account: fresh, password: FIXTURE_PASSWORD, code: SECURITY_CODE, by: { actor: 'test' } });

    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSettingsPage(page, ENGLISH, 'Auto-forwarding');
    await page.getByText(`Mail that arrives for ${ALICE} is also sent on to the addresses below, at most 10.`).waitFor();
    await page.getByText('No forwarding addresses: your mail stays in your mailbox only.').waitFor();

    const add = page.getByRole('form', { name: 'Add a forwarding address' });
    for (const address of ['not an address', ALICE, BOB, CAROL, BOB]) {
      await add.getByLabel('Forward to').fill(address);
      await add.getByRole('button', { name: 'Add' }).click();
    }
    // The last one was a repeat of Bob.
    await add.getByRole('alert').filter({ hasText: `${BOB} is already in the list.` }).waitFor();
    const list = page.getByRole('list', { name: 'Forwarding addresses' });
    expect(await list.getByRole('listitem').allTextContents()).toEqual([`${BOB} Remove`, `${CAROL} Remove`]);
    await list.getByRole('button', { name: `Remove ${CAROL}` }).click();
    expect(await list.getByRole('listitem').count()).toBe(1);

    const form = page.getByRole('form', { name: 'Auto-forwarding' });
    const keepCopy = form.getByLabel('Keep a copy in my mailbox');
    expect(await keepCopy.isChecked()).toBe(true);
    await keepCopy.uncheck();
    await form.getByLabel('Personal security code').fill('not-the-code');
    await form.getByRole('button', { name: 'OK' }).click();
    await form.getByRole('alert').filter({ hasText: 'The personal security code is not correct.' }).waitFor();
    expect(await forwarding.get(alice)).toEqual({ addresses: [], keepCopy: true });

    await form.getByLabel('Personal security code').fill(SECURITY_CODE);
    await form.getByRole('button', { name: 'OK' }).click();
    await form.getByRole('status').filter({ hasText: 'Your auto-forwarding settings have been saved.' }).waitFor();
    expect(await forwarding.get(alice)).toEqual({ addresses: [BOB], keepCopy: false });
    expect(await form.getByLabel('Personal security code').inputValue()).toBe('');

    // What the page shows after a reload is what the server kept.
    await page.reload();
    await page.getByRole('list', { name: 'Forwarding addresses' }).getByText(BOB).waitFor();
    expect(await page.getByRole('form', { name: 'Auto-forwarding' }).getByLabel('Keep a copy in my mailbox').isChecked()).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
