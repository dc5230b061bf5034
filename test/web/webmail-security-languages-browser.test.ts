// Every Mailbox Security page in headless Chromium in English, Traditional Chinese and Simplified Chinese: the title in the browser's language, and no English left on the Chinese pages but product and protocol names.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, openSecurityFixture } from '../support/security-fixture.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';

const skip = chromiumUnavailable('webmail security languages browser test');

type Tree = { [key: string]: string | Tree };

/** The webmail's own modules, read by URL: the webmail is its own TypeScript program (bundler imports), not the server's. */
interface Webmail {
  TRANSLATIONS: Record<string, Tree>;
  SECURITY_PAGES: ReadonlyArray<{ path: string; page: string }>;
}

async function loadWebmail(): Promise<Webmail> {
  const app = path.resolve('src/web/app');
  const resources = (await import(pathToFileURL(path.join(app, 'i18n', 'resources.ts')).href)) as Pick<Webmail, 'TRANSLATIONS'>;
  const routes = (await import(pathToFileURL(path.join(app, 'routes.ts')).href)) as Pick<Webmail, 'SECURITY_PAGES'>;
  return { TRANSLATIONS: resources.TRANSLATIONS, SECURITY_PAGES: routes.SECURITY_PAGES };
}

/** The text of `key` ("common.pages.checkup") in one language's catalogue. */
function text(catalogue: Tree, key: string): string {
  let node: string | Tree | undefined = catalogue;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no text for ${key}`);
  return node;
}

/**
 * Latin words a Chinese page may show: product and protocol names (as the catalogues keep them),
 * the apps the pages name as examples, the English entry of the language menu
 * (each language is named in itself), and the browser and system this test runs (device and login records).
 */
const NAMES = new Set([
  'Mailward',
  'SMTP',
  'POP',
  'IMAP',
  'TOTP',
  'IP',
  'QR',
  'PIN',
  'HTTPS',
  'FreeOTP',
  'Aegis',
  'Google',
  'Microsoft',
  'Authenticator',
  'Thunderbird',
  'English',
  'Chrome',
  'Headless',
  'HeadlessChrome',
  'Chromium',
  'Linux',
]);

/** Words of two or more Latin letters outside NAMES and `data`, each with the text it was found in; mail addresses are data, not words. */
function englishWords(texts: readonly string[], data: readonly string[]): string[] {
  const found = new Set<string>();
  for (const shown of texts) {
    const withoutAddresses = shown.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ');
    for (const word of withoutAddresses.match(/[A-Za-z]{2,}/g) ?? []) {
      if (!NAMES.has(word) && !data.includes(word)) found.add(`${word} (in "${shown}")`);
    }
  }
  return [...found];
}

/** Runs in the page: every visible text node, and the names and hints screen readers read (aria-label, title, alt, placeholder). */
const SHOWN_TEXTS = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = (node.textContent || '').trim();
    const parent = node.parentElement;
    if (value !== '' && parent && parent.checkVisibility()) out.push(value);
  }
  for (const element of document.body.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      const value = element.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out;
})()`;

const LANGUAGES = [
  { language: 'en', locale: 'en-US', user: 'alice' },
  { language: 'zh-TW', locale: 'zh-TW', user: 'bob' },
  { language: 'zh-CN', locale: 'zh-CN', user: 'carol' },
] as const;

describe.skipIf(skip)('Mailbox Security in every language', () => {
  let f: SecurityFixture;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let webmail: Webmail;

  beforeAll(async () => {
    ensureWebmailBuilt();
    webmail = await loadWebmail();
    f = await openSecurityFixture('sqlite');
    f.security.alerts.start();
    for (const { user } of LANGUAGES) {
      const username = `${user}@${FIXTURE_DOMAIN}`;
      const by = { actor: `user:${username}` };
      const account = await f.addUser(user);
      // A failed sign-in puts the checkup's "failed sign-ins" item and the login records' warning on the pages.
      await f.login({ username, secret: 'a wrong guess', remoteIp: '203.0.113.9' });
      // An earlier sign-in makes the browser's a new device: "Sign-in from a new device" joins the notifications.
      await f.login({ username, secret: FIXTURE_PASSWORD });
      await f.security.accountSecurity.setSecurityCode({ account, password: FIXTURE_PASSWORD, code: 'blue-harbour-42', by });
      await f.security.appPasswords.create({ account, name: 'Thunderbird', protocols: ['imap', 'smtp'], actor: by.actor });
    }
    await f.security.flush();
    await f.security.alerts.idle();
    f.advance(60_000);
    app = buildHTTPApp({ logger: pino({ level: 'silent' }), checkStorage: () => f.store.ping(), security: f.security });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://localhost:${address.port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await f?.security.alerts.stop();
    await app?.close();
    await f?.cleanup();
  });

  for (const { language, locale, user } of LANGUAGES) {
    it(`shows every security page in ${language} (browser language ${locale})`, async () => {
      const catalogue = webmail.TRANSLATIONS[language]!;
      const say = (key: string): string => text(catalogue, key);
      const context: BrowserContext = await browser.newContext({ locale });
      try {
        const page: Page = await context.newPage();
        page.setDefaultTimeout(5_000);
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
        // API calls still under way: a page is read once they have all answered and React has drawn the answers.
        let pending = 0;
        page.on('request', (request) => {
          if (new URL(request.url()).pathname.startsWith('/api/')) pending++;
        });
        const done = (request: { url(): string }): void => {
          if (new URL(request.url()).pathname.startsWith('/api/')) pending--;
        };
        page.on('requestfinished', done);
        page.on('requestfailed', done);
        const settled = async (): Promise<void> => {
          await expect.poll(() => pending, { timeout: 5_000 }).toBe(0);
          await page.waitForFunction(
            (loading) => ![...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> } }).document.querySelectorAll('[role=status]')].some((e) => e.textContent === loading),
            say('common.loading'),
          );
          await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
        };
        const findings: string[] = [];
        const check = async (where: string): Promise<void> => {
          if (language === 'en') return;
          await settled();
          // The account name is the user's, not the page's (the strength rules quote it).
          const words = englishWords((await page.evaluate(SHOWN_TEXTS)) as string[], [user]);
          findings.push(...words.map((w) => `${where}: ${w}`));
        };

        await page.goto(`${base}/`);
        await page.getByRole('heading', { name: say('auth.signIn.title') }).waitFor();
        expect(await page.evaluate('document.documentElement.lang')).toBe(language);
        await check('sign-in');
        await page.getByLabel(say('auth.signIn.address')).fill(`${user}@${FIXTURE_DOMAIN}`);
        await page.getByLabel(say('auth.signIn.password'), { exact: true }).fill(FIXTURE_PASSWORD);
        await page.getByRole('button', { name: say('auth.signIn.submit'), exact: true }).click();
        await page.getByRole('link', { name: say('common.shell.personalSettings'), exact: true }).click();
        // The alert for this sign-in (a new device) is written before the notifications page reads the list.
        await f.security.flush();
        await f.security.alerts.idle();

        const menu = page.getByRole('navigation', { name: say('common.menu.personalSettings') });
        for (const { path: route, page: name } of webmail.SECURITY_PAGES) {
          const title = say(`common.pages.${name}`);
          await menu.getByRole('link', { name: title, exact: true }).click();
          await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
          expect(new URL(page.url()).pathname).toBe(route);
          if (name === 'notifications') {
            // The notifications themselves, not only the page around them, are in the reader's language.
            const list = page.getByRole('list', { name: say('security.notifications.list') });
            for (const key of ['newSignIn.titleDevice', 'securityCodeChanged.title', 'appPasswordCreated.title']) {
              await list.getByText(say(`security.notifications.notices.${key}`), { exact: true }).waitFor();
            }
          }
          await check(name);
        }

        // Two states a first look does not show: the strength rules while typing, and the QR code step of turning on two-factor sign-in.
        await menu.getByRole('link', { name: say('common.pages.password'), exact: true }).click();
        await page.getByLabel(say('security.password.next'), { exact: true }).fill(`${user}-abc`);
        await page.getByRole('list', { name: say('security.strength.unmet') }).waitFor();
        await check('password, typing');
        await menu.getByRole('link', { name: say('common.pages.twoFactor'), exact: true }).click();
        await page.getByLabel(say('security.common.accountPassword')).fill(FIXTURE_PASSWORD);
        await page.getByRole('button', { name: say('security.twoFactor.continue') }).click();
        await page.getByRole('heading', { name: say('security.twoFactor.scanTitle') }).waitFor();
        await check('two-factor, QR code step');

        expect(findings).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
