// Every webmail page in Chromium, as an auditor would look at it: axe-core finds no serious violation, it fits a 375 px phone without sideways scrolling, it works from the keyboard with a visible focus, no secret sits in web storage, and a screenshot of each page in each language lands under test-results/webmail/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import axe from 'axe-core';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';

const skip = chromiumUnavailable('webmail quality browser test');

const ALICE = 'alice@example.test';
const SHOTS = path.resolve('test-results', 'webmail');
const PHONE = { width: 375, height: 740 };
const LANGUAGES = ['en', 'zh-TW', 'zh-CN'] as const;

const WELCOME = Buffer.from(
  [
    'From: "Bob Example" <bob@example.test>',
    `To: ${ALICE}`,
    'Subject: Welcome to the team',
    'Date: Fri, 01 Mar 2024 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Glad to have you with us.</p>',
    '',
  ].join('\r\n'),
);

// Run in the page (the test program has no DOM types, so they are expressions in strings).
/**
 * Headings, buttons, labels and table heads whose text still has English words (names and addresses
 * aside); rows of lists and tables and marked user content (translate="no") hold the user's data.
 */
const ENGLISH_CONTROLS = `[...document.querySelectorAll('h1, h2, button, label, th, legend')]
  .filter((el) => !el.closest('li, tbody, article, [translate="no"]'))
  .map((el) => el.innerText.trim())
  .filter((text) => /[A-Za-z]{3,}/.test(text.replace(/Mailward|SMTP|POP3|IMAP4?|TOTP|[\\w.+-]+@[\\w.-]+/g, '')))`;
/** What has the focus, and whether it shows (an outline or a ring). */
const FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return { what: el.getAttribute('autocomplete') ?? el.getAttribute('type') ?? el.tagName, visible };
})()`;
/** The innermost elements that reach past the screen's right edge, to name them when a page is too wide. */
const TOO_WIDE = `[...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5)
  .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')
  .join(', ')`;
/** WCAG 2.1 A and AA, the page only. */
const AXE_RUN = `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, iframes: false })`;
/** Everything in local and session storage, and the cookies script can read. */
const STORAGE = `(() => {
  const all = [];
  for (const storage of [localStorage, sessionStorage]) {
    for (let i = 0; i < storage.length; i++) all.push(storage.key(i) + '=' + storage.getItem(storage.key(i)));
  }
  return { all, cookie: document.cookie };
})()`;

interface PageRef {
  path: string;
  page: string;
}

/** The signed-in pages, from the webmail's own route list, so a page added later is checked too. */
async function signedInPages(): Promise<PageRef[]> {
  const routes = (await import(pathToFileURL(path.resolve('src/web/app/routes.ts')).href)) as {
    ROUTES: { mail: string };
    SECURITY_PAGES: PageRef[];
    SETTINGS_PAGES?: PageRef[];
  };
  return [{ path: routes.ROUTES.mail, page: 'mail' }, ...(routes.SETTINGS_PAGES ?? []), ...routes.SECURITY_PAGES];
}

const PUBLIC_PAGES: PageRef[] = [
  { path: '/sign-in', page: 'sign-in' },
  { path: '/forgot-password', page: 'forgot-password' },
];

describe.skipIf(skip)('webmail quality in Chromium', () => {
  let t: IMAPTestServer;
  let base: string;
  let browser: Browser;
  let pages: PageRef[];
  const pageErrors: string[] = [];

  async function newPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: options.viewport ?? { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    return { context, page };
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${base}/`);
    await page.locator('input[autocomplete="username"]').fill(ALICE);
    await page.locator('input[autocomplete="current-password"]').fill(passwordOf(ALICE));
    await page.locator('form button[type="submit"]').first().click();
    await page.locator('header.topbar').waitFor();
  }

  /** Opens a page the way a user does (a full load of its address) and waits for it to settle. */
  async function open(page: Page, ref: PageRef): Promise<void> {
    await page.goto(`${base}${ref.path}`);
    await page.locator('h1').first().waitFor();
    await page.waitForLoadState('networkidle');
    // Pages that load data show a status line meanwhile; wait until it has gone.
    await page.locator('p[role="status"]:has-text("…")').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
  }

  async function shoot(page: Page, folder: string, name: string): Promise<void> {
    fs.mkdirSync(path.join(SHOTS, folder), { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, folder, `${name}.png`), fullPage: true });
  }

  /**
   * axe-core run in the page itself (evaluated over the DevTools protocol, which the page's CSP does
   * not stop), not in frames: the one frame holds a sender's mail, sandboxed without script, where
   * nothing can run, and it is not the webmail's markup; the frame element itself is checked.
   */
  async function seriousViolations(page: Page): Promise<string[]> {
    await page.evaluate(axe.source);
    const result = (await page.evaluate(AXE_RUN)) as AxeResults;
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  beforeAll(async () => {
    ensureWebmailBuilt();
    t = await startIMAPTestServer({ users: [ALICE, 'bob@example.test'] });
    base = `http://127.0.0.1:${t.server.listeners.http!.port}`;
    await t.app.mailboxes.append(t.accounts.get(ALICE)!, 'INBOX', WELCOME);
    browser = await launchChromium();
    pages = await signedInPages();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    removeTempDataDirs();
  });

  it('axe-core finds no serious or critical violation on any page, signed out or in', async () => {
    const found: string[] = [];
    const { context, page } = await newPage();
    for (const ref of PUBLIC_PAGES) {
      await open(page, ref);
      for (const v of await seriousViolations(page)) found.push(`${ref.path}: ${v}`);
    }
    await signIn(page);
    for (const ref of pages) {
      await open(page, ref);
      for (const v of await seriousViolations(page)) found.push(`${ref.path}: ${v}`);
    }
    // The reading pane as well, with a message open.
    await open(page, pages[0]!);
    await page.getByText('Welcome to the team').first().click();
    await page.locator('iframe').first().waitFor();
    for (const v of await seriousViolations(page)) found.push(`reading pane: ${v}`);
    // The check can fail: a button with no name is a critical violation.
    await page.evaluate(`document.querySelector('main').append(Object.assign(document.createElement('button'), { id: 'nameless' }))`);
    expect((await seriousViolations(page)).join('\n')).toContain('#nameless');
    await context.close();
    expect(found).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('fits a 375 px phone screen: no page scrolls sideways', async () => {
    const wide: string[] = [];
    const { context, page } = await newPage({ viewport: PHONE });
    const check = async (ref: PageRef): Promise<void> => {
      await open(page, ref);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      if (width > PHONE.width + 1) wide.push(`${ref.path}: ${width}px, ${String(await page.evaluate(TOO_WIDE))}`);
      await shoot(page, 'phone', ref.page);
    };
    for (const ref of PUBLIC_PAGES) await check(ref);
    await signIn(page);
    for (const ref of pages) await check(ref);
    await context.close();
    expect(wide).toEqual([]);
  }, 120_000);

  it('renders every page in each language, with <html lang> set, and writes a screenshot of each', async () => {
    for (const language of LANGUAGES) {
      const { context, page } = await newPage({ locale: language });
      for (const ref of PUBLIC_PAGES) {
        await open(page, ref);
        expect(await page.evaluate('document.documentElement.lang')).toBe(language);
        await shoot(page, language, ref.page);
      }
      await signIn(page);
      for (const ref of pages) {
        await open(page, ref);
        expect(await page.evaluate('document.documentElement.lang')).toBe(language);
        if (language !== 'en') {
          // The page's own words are Chinese: no heading or button is left in English.
          const english = (await page.evaluate(ENGLISH_CONTROLS)) as string[];
          expect(english, `${language} ${ref.path}`).toEqual([]);
        }
        await shoot(page, language, ref.page);
      }
      await context.close();
    }
    for (const language of LANGUAGES) expect(fs.existsSync(path.join(SHOTS, language, 'mail.png'))).toBe(true);
  }, 180_000);

  it('works from the keyboard with a visible focus, and keeps no secret in web storage', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/`);
    await page.locator('input[autocomplete="username"]').waitFor();
    // Clicking the heading moves the point where Tab starts to just before the form.
    await page.locator('h1').click();
    // Tab from there reaches the address, the password and the button, each visibly focused.
    const reached: string[] = [];
    for (let i = 0; i < 8 && reached.length < 3; i++) {
      await page.keyboard.press('Tab');
      const focus = (await page.evaluate(FOCUS)) as { what: string; visible: boolean } | null;
      if (!focus) continue;
      expect(focus.visible, `focus on ${focus.what} is visible`).toBe(true);
      if (['username', 'current-password', 'submit'].includes(focus.what)) reached.push(focus.what);
    }
    expect(reached).toEqual(['username', 'current-password', 'submit']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(ALICE);
    await page.keyboard.press('Tab');
    await page.keyboard.type(passwordOf(ALICE));
    await page.keyboard.press('Enter');
    await page.locator('header.topbar').waitFor();

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'mw_session');
    expect(session?.httpOnly).toBe(true);
    const stored = (await page.evaluate(STORAGE)) as { all: string[]; cookie: string };
    for (const entry of stored.all) {
      expect(entry).not.toContain(session!.value);
      expect(entry).not.toContain(passwordOf(ALICE));
      expect(entry).not.toMatch(/csrf|token|password|secret/i);
    }
    expect(stored.cookie).not.toContain('mw_session');
    await context.close();
  }, 60_000);
});
