// The webmail in headless Chromium against the real HTTP app and store: sign-in, the Mailbox Security pages, two-factor sign-in with a trusted device, and an idle timeout that loses nothing.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import { WEBMAIL_CSP } from '../../src/web/api/webmail-static.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, openSecurityFixture } from '../support/security-fixture.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';

const skip = chromiumUnavailable('webmail browser test');

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const MINUTE = 60_000;
const VERIFICATION_FAILURE = 'Verification failure. Please check the username and password you entered.';
const TIMED_OUT = 'Operation timed out — please sign in again';

function appCode(base32: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

describe.skipIf(skip)('the webmail in Chromium', () => {
  let f: SecurityFixture;
  let alice: Account;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The authenticator app's secret, read off the page at enrolment. */
  let base32 = '';
  /** Anything the browser refused under the CSP, or failed to run. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureWebmailBuilt();
    f = await openSecurityFixture('sqlite');
    alice = await f.addUser('alice');
    app = buildHTTPApp({ logger: pino({ level: 'silent' }), checkStorage: () => f.store.ping(), security: f.security });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(`csp: ${message.text()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    // The keep-alive sockets of this process's own fetch() calls would hold app.close() until they time out.
    app?.server.closeAllConnections();
    await app?.close();
    await f?.cleanup();
  });

  async function signIn(options: { address?: string; password?: string } = {}): Promise<void> {
    await page.getByLabel('Email address').fill(options.address ?? ALICE);
    await page.getByLabel('Password', { exact: true }).fill(options.password ?? FIXTURE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async function openSecurityPage(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Personal Settings' }).getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  it('serves the webmail at / under a strict CSP, every page as index.html, and keeps API misses JSON', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.headers.get('content-security-policy')).toBe(WEBMAIL_CSP);
    expect(WEBMAIL_CSP).toContain("script-src 'self'");
    expect(WEBMAIL_CSP).toContain("frame-ancestors 'none'");
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    const html = await home.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    // No inline script: the CSP would refuse it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const deep = await fetch(`${base}/settings/security/devices`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-security-policy')).toBe(WEBMAIL_CSP);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const bundle = await fetch(`${base}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    for (const miss of ['/api/v1/nothing-here', '/assets/missing.js', '/favicon.ico', '/api/web/http-app.js']) {
      const response = await fetch(`${base}${miss}`);
      expect(response.status, miss).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await fetch(`${base}/api/v1/session`)).status).toBe(401);
  });

  it('refuses a disabled account, a throttled name and a wrong password (the exact text, the hint), then signs in to the inbox', async () => {
    await f.policies.set('password.hints_enabled', true);
    await f.security.accountSecurity.setPasswordHint({ account: alice, hint: 'the horse and the staple', by: { actor: 'test' } });
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe('/forgot-password');

    const carol = await f.addUser('carol');
    await f.security.accountSecurity.disable({ address: carol.address, reason: 'admin', by: { actor: 'admin' } });
    await signIn({ address: carol.address });
    await page.getByRole('alert').filter({ hasText: /^Your account is disabled\. Please contact your administrator/ }).waitFor();

    // auth.max_failures (5) from this browser's address: the next try is throttled, and says for how long.
    const nobody = `nobody@${FIXTURE_DOMAIN}`;
    for (let i = 0; i < 5; i++) await f.login({ username: nobody, secret: `guess-${i}`, remoteIp: '127.0.0.1' });
    await signIn({ address: nobody, password: 'guess-5' });
    await page.getByRole('alert').filter({ hasText: /^Too many failed attempts\. Please try again in \d+ (seconds?|minutes?)\.$/ }).waitFor();

    await signIn({ password: 'not-the-password' });
    await page.getByText(VERIFICATION_FAILURE, { exact: true }).waitFor();
    await page.getByText('Password hint: the horse and the staple').waitFor();

    f.advance(MINUTE);
    await signIn();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/mail');
    await page.getByText(ALICE).waitFor();
  });

  it('lists login records by result, with a warning that points to the password', async () => {
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Security checkup' }).waitFor();
    await openSecurityPage('Login records');
    const rows = page.getByRole('tabpanel').getByRole('row');
    await rows.filter({ hasText: 'Failed (wrong password)' }).waitFor();
    expect(await rows.count()).toBe(3); // header, the failure, the sign-in
    await page.getByRole('link', { name: 'Change your password' }).waitFor();

    await page.getByRole('tab', { name: 'Successful' }).click();
    await rows.filter({ hasText: 'Successful' }).waitFor();
    expect(await rows.filter({ hasText: 'Failed' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Failed' }).click();
    await rows.filter({ hasText: 'Failed' }).waitFor();
    expect(await rows.filter({ hasText: 'Successful' }).count()).toBe(0);

    // More than a page: "Load more" follows the cursor.
    for (let i = 0; i < 26; i++) {
      expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'Thunderbird' })).ok).toBe(true);
    }
    await f.security.flush();
    await page.getByRole('tab', { name: 'All' }).click();
    await rows.filter({ hasText: 'IMAP4' }).first().waitFor();
    expect(await rows.count()).toBe(1 + 25);
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(1 + 27).waitFor();
    expect(await rows.count()).toBe(1 + 28);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  });

  it('closes POP3 on Mail services, and the store says it is closed', async () => {
    await openSecurityPage('Mail services');
    const pop3 = page.getByRole('group', { name: /^POP3/ });
    expect(await pop3.getByLabel('Open').isChecked()).toBe(true);
    await pop3.getByLabel('Closed').check();
    await page.getByRole('button', { name: 'OK' }).click();
    await page.getByText('Your mail services have been saved.').waitFor();
    const stored = (await f.store.accounts.findById(alice.id))!;
    expect([stored.smtp_enabled, stored.pop3_enabled, stored.imap_enabled]).toEqual([1, 0, 1]);
  });

  it("shows the server's reason when a new password is refused", async () => {
    await openSecurityPage('Password settings');
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill(FIXTURE_PASSWORD);
    await form.getByLabel('New password', { exact: true }).fill('Ab1!');
    await form.getByLabel('Confirm new password').fill('Ab1!');
    await form.getByRole('button', { name: 'Set Password' }).click();
    await form.getByRole('alert').filter({ hasText: /at least 8 characters/ }).waitFor();
  });

  it('shows this browser in the device log as the current device', async () => {
    await openSecurityPage('Device log');
    const other = page.getByRole('table', { name: 'Other devices' });
    const current = other.getByRole('row').filter({ hasText: 'Signed in — current device' });
    await current.waitFor();
    expect(await current.textContent()).toMatch(/Linux \/ (Headless)?Chrome/);
    // No "Force logout" for itself: "Sign out" does that.
    expect(await current.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('table', { name: 'My frequently used devices' }).getByText('No trusted devices.', { exact: false }).count()).toBe(1);
  });

  it('turns two-factor sign-in on: QR code and key, a code, ten backup codes to download, an app password for a mail client', async () => {
    // A mail client that signed in with the password: the page offers it an app password.
    expect((await f.login({ protocol: 'imap', username: ALICE, secret: FIXTURE_PASSWORD, client: 'Thunderbird' })).ok).toBe(true);
    await f.security.flush();

    await openSecurityPage('Two-factor authentication');
    await page.getByText('Status: Off').waitFor();
    const start = page.getByRole('form', { name: 'Turn on two-factor authentication' });
    await start.getByLabel('Account password').fill(FIXTURE_PASSWORD);
    await start.getByRole('button', { name: 'Continue' }).click();

    const qr = page.getByRole('img', { name: /^QR code for / });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    // The image decoded: the CSP let the data: URL through.
    expect(await qr.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0)).toBe(true);
    base32 = (await page.getByLabel('Key for manual entry').inputValue()).replace(/\s+/g, '');
    expect(base32).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel('Code from the app').fill(appCode(base32, f.clock()));
    await page.getByRole('button', { name: 'Turn on' }).click();

    const codes = page.getByRole('list', { name: 'Backup codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('mailward-backup-codes.txt');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    for (const code of await codes.allTextContents()) expect(text).toContain(code.trim());
    expect((await f.store.accounts.findById(alice.id))!.two_factor_enabled).toBe(1);

    const clients = page.getByRole('table', { name: 'Mail clients that need an app password' });
    await clients.getByRole('row').filter({ hasText: 'Thunderbird' }).getByRole('button', { name: /^Create app password/ }).click();
    await clients.getByText(/App password for Thunderbird \(IMAP\)/).waitFor();
    expect((await f.security.appPasswords.list(alice)).map((p) => ({ name: p.name, protocols: p.protocols }))).toEqual([{ name: 'Thunderbird (IMAP)', protocols: ['imap'] }]);
  });

  it('signs out for real, then asks for the code; a trusted device is not asked again', async () => {
    const before = (await context.cookies()).find((c) => c.name === 'mw_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
    const replay = await fetch(`${base}/api/v1/session`, { headers: { cookie: `mw_session=${before}` } });
    expect(await replay.json()).toMatchObject({ code: 'SIGN_IN_REQUIRED' });

    // A code is good once: the next one comes from the next 30-second step.
    f.advance(MINUTE);
    await signIn();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: /not valid/ }).waitFor();
    await page.getByLabel('Verification code').fill(appCode(base32, f.clock()));
    await page.getByLabel('This is my trusted device').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();

    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSecurityPage('Device log');
    await page.getByRole('table', { name: 'My frequently used devices' }).getByRole('row').filter({ hasText: 'Signed in — current device' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
    f.advance(MINUTE);
    await signIn();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await page.getByLabel('Verification code').count()).toBe(0);
  });

  it('forces this browser out from a second browser: its next action says it was signed out', async () => {
    const second = await browser.newContext();
    try {
      const tab = await second.newPage();
      tab.setDefaultTimeout(5_000);
      await tab.goto(`${base}/`);
      f.advance(MINUTE);
      await tab.getByLabel('Email address').fill(ALICE);
      await tab.getByLabel('Password', { exact: true }).fill(FIXTURE_PASSWORD);
      await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
      await tab.getByLabel('Verification code').fill(appCode(base32, f.clock()));
      await tab.getByRole('button', { name: 'Verify' }).click();
      await tab.getByRole('heading', { name: 'Inbox' }).waitFor();
      await tab.goto(`${base}/settings/security/devices`);
      // The first browser: trusted, signed in, not the one looking at the page.
      const first = tab.getByRole('table', { name: 'My frequently used devices' }).getByRole('row').filter({ hasText: /^Signed in(?! — current)/ });
      await first.getByRole('button', { name: /^Force logout / }).click();
      // Forced out, it is no longer trusted either: it moves to the other devices, logged out.
      await tab.getByRole('table', { name: 'Other devices' }).getByRole('row').filter({ hasText: /^Logged out/ }).filter({ hasText: 'Linux /' }).waitFor();
      expect(await tab.getByRole('table', { name: 'My frequently used devices' }).getByRole('row').filter({ hasText: /^Signed in/ }).count()).toBe(0);
    } finally {
      await second.close();
    }
    // The first browser's next request finds its session gone.
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await page.getByText('You were signed out. Please sign in again.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    // No longer trusted: signing in again asks for the code.
    f.advance(MINUTE);
    await signIn();
    await page.getByLabel('Verification code').fill(appCode(base32, f.clock()));
    // Trusted again, as the tests after this one expect.
    await page.getByLabel('This is my trusted device').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    // Back where the lost click was going.
    await page.getByRole('heading', { level: 1, name: 'Security checkup' }).waitFor();
  });

  it('after 31 idle minutes says "Operation timed out", and signing in again leads back to the same page', async () => {
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSecurityPage('Mail services');
    const pop3 = page.getByRole('group', { name: /^POP3/ });
    expect(await pop3.getByLabel('Closed').isChecked()).toBe(true);

    f.advance(31 * MINUTE);
    await pop3.getByLabel('Open').check();
    await page.getByRole('button', { name: 'OK' }).click();
    await page.getByText(TIMED_OUT).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect((await f.store.accounts.findById(alice.id))!.pop3_enabled).toBe(0);

    await signIn();
    await page.getByRole('heading', { level: 1, name: 'Mail services' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/security/services');
    // Remembered for one sign-in only.
    expect(await page.evaluate("window.sessionStorage.getItem('mailward.returnTo')")).toBeNull();
  });

  it('sends an account that must turn on two-factor sign-in straight to enrolment', async () => {
    const bob = await f.addUser('bob');
    await f.policies.set('auth.require_2fa', true);
    await f.policies.set('auth.require_2fa_grace_days', 0);
    f.advance(MINUTE);
    const fresh = await browser.newContext();
    try {
      const tab = await fresh.newPage();
      tab.setDefaultTimeout(5_000);
      await tab.goto(`${base}/settings/security/devices`);
      await tab.getByLabel('Email address').fill(bob.address);
      await tab.getByLabel('Password', { exact: true }).fill(FIXTURE_PASSWORD);
      await tab.getByRole('button', { name: 'Sign in', exact: true }).click();
      await tab.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
      await tab.getByText('Your administrator requires two-factor authentication.', { exact: false }).waitFor();
      expect(new URL(tab.url()).pathname).toBe('/settings/security/two-factor');
    } finally {
      await fresh.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
