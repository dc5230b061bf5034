// The remaining Mailbox Security pages in headless Chromium against the real HTTP app: security checkup, alternate email, password strength, notifications, passkeys (CDP virtual authenticator) and "Forgot password" with the link read from a recording mailer.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import type { Security } from '../../src/security/index.js';
import type { APIServer } from '../support/api-server.js';
import { startAPIServer } from '../support/api-server.js';
import type { RecordingMailer } from '../support/recovery-fixture.js';
import { recordingMailer } from '../support/recovery-fixture.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, openSecurityFixture, securityWith } from '../support/security-fixture.js';
import { chromiumUnavailable, ensureWebmailBuilt, launchChromium } from '../support/browser.js';
import { accountRecords } from '../../src/accounts/index.js';

const skip = chromiumUnavailable('webmail security browser test');

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const HOME = 'alice.home@elsewhere.example';
const CAFE = 'alice.cafe@elsewhere.example';
const MINUTE = 60_000;

/** A port free now: the WebAuthn origin must be known before the app that checks it is built. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The newest mail to `to` whose text matches, and the first capture group of `pattern` in it. */
function mailed(mailer: RecordingMailer, to: string, pattern: RegExp): string {
  const message = mailer
    .to(to)
    .filter((m) => pattern.test(m.text))
    .at(-1);
  if (!message) throw new Error(`no mail to ${to} matching ${pattern}; sent: ${mailer.sent.map((m) => `${m.to}: ${m.subject}`).join(' | ')}`);
  return pattern.exec(message.text)![1]!;
}

describe.skipIf(skip)('Mailbox Security in Chromium', () => {
  let f: SecurityFixture;
  let alice: Account;
  let mailer: RecordingMailer;
  let security: Security;
  let server: APIServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let password = FIXTURE_PASSWORD;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureWebmailBuilt();
    f = await openSecurityFixture('sqlite');
    alice = await f.addUser('alice');
    const port = await freePort();
    // localhost (not 127.0.0.1) is both a secure context on plain HTTP and a valid WebAuthn RP id.
    base = `http://localhost:${port}`;
    mailer = recordingMailer();
    security = securityWith(f, { mailer, webAuthn: { rpID: 'localhost', rpName: 'Mailward', origins: [base] } });
    security.alerts.start();
    server = await startAPIServer(f, { security, publicURL: base, port });
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
    await security?.alerts.stop();
    await server?.close();
    await f?.cleanup();
  });

  async function signIn(options: { secondStep?: boolean } = {}): Promise<void> {
    await page.getByLabel('Email address').fill(ALICE);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    if (!options.secondStep) await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }

  async function openSecurityPage(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Personal Settings' }).getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
  }

  it('opens Personal Settings on the security checkup, whose "two-factor sign-in is off" item leads to the 2FA page', async () => {
    await f.login({ username: ALICE, secret: 'a wrong guess', remoteIp: '203.0.113.9' });
    await f.security.flush();
    await page.goto(`${base}/`);
    await signIn();
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Security checkup' }).waitFor();
    const todo = page.getByRole('list', { name: 'To do' });
    await todo.getByRole('listitem').filter({ hasText: /two-factor sign-in is off/i }).waitFor();
    await todo.getByRole('listitem').filter({ hasText: 'No verified alternate email' }).waitFor();
    await todo.getByRole('listitem').filter({ hasText: 'Mail services open: SMTP, POP3, IMAP4' }).waitFor();
    const failed = todo.getByRole('listitem').filter({ hasText: /Recent failed sign-ins: 1, the last at .* from 203\.0\.113\.9/ });
    await failed.getByRole('link', { name: 'Change your password' }).waitFor();
    await failed.getByRole('link', { name: 'See the login records' }).waitFor();
    await todo.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/security/two-factor');
  });

  it('adds an alternate email with the mailed code, then changes it with the mailed link opened signed out', async () => {
    await openSecurityPage('Alternate email');
    await page.getByText('No verified alternate email').waitFor();
    const add = page.getByRole('form', { name: 'Add an alternate email' });
    await add.getByLabel('Alternate email address').fill(HOME);
    await add.getByLabel('Account password').fill('not the password');
    await add.getByRole('button', { name: 'Send code' }).click();
    await add.getByRole('alert').waitFor();
    await add.getByLabel('Account password').fill(password);
    await add.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`We sent a code to ${HOME}.`).waitFor();
    const code = mailed(mailer, HOME, /Verification code: (\d+)/);
    await page.getByLabel('Code from the mail').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(`Verified alternate email: ${HOME}`).waitFor();

    // A change is pending until proven; the link works in a browser that is not signed in.
    const change = page.getByRole('form', { name: 'Change the alternate email' });
    await change.getByLabel('Alternate email address').fill(CAFE);
    await change.getByLabel('Account password').fill(password);
    await change.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`We sent a code to ${CAFE}.`).waitFor();
    await page.getByText(`Verified alternate email: ${HOME}`).waitFor();
    const link = `${base}/verify-alternate-email#token=${mailed(mailer, CAFE, /#token=([A-Za-z0-9_-]+)/)}`;
    const other = await browser.newContext();
    try {
      const tab = await other.newPage();
      tab.setDefaultTimeout(5_000);
      await tab.goto(link);
      await tab.getByText(`${CAFE} is now the alternate email of ${ALICE}.`).waitFor();
      // The token is gone from the address bar once read.
      expect(new URL(tab.url()).hash).toBe('');
      await tab.goto(link);
      await tab.getByRole('alert').waitFor();
    } finally {
      await other.close();
    }
    await page.reload();
    await page.getByText(`Verified alternate email: ${CAFE}`).waitFor();
  });

  it("shows the admin's strength level with the rules still unmet, and the security code field from the start", async () => {
    await f.policies.set('password.strength', 'very_strong');
    await f.policies.set('security_code.enabled', true);
    const fresh = (await accountRecords(f.store).findById(alice.id))!;
    await f.security.accountSecurity.setSecurityCode({ account: fresh, password, code: 'blue-harbour-42', by: { actor: 'test' } });
    await openSecurityPage('Password settings');
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByText('Required strength: Very strong').waitFor();
    await form.getByLabel('Personal security code').waitFor();
    const unmet = form.getByRole('list', { name: 'Rules not met yet' });
    await form.getByLabel('New password', { exact: true }).fill('abc');
    await unmet.getByText('At least 14 characters (3 so far)').waitFor();
    await unmet.getByText(/At least 3 of lowercase letters, uppercase letters, digits and symbols/).waitFor();
    await form.getByLabel('New password', { exact: true }).fill('alice-Harbour-2024');
    await unmet.getByText('Must not contain your account name (alice)').waitFor();
    expect(await unmet.getByRole('listitem').count()).toBe(1);
    await form.getByLabel('New password', { exact: true }).fill('Quiet-Harbour-Lantern-9');
    await form.getByText('Meets the required strength.').waitFor();
    await f.policies.set('password.strength', 'medium');
    await f.policies.set('security_code.enabled', false);
  });

  it('counts unread notifications on the bell, lists them, marks them read, and keeps critical alerts on', async () => {
    await security.alerts.idle();
    await openSecurityPage('Security checkup');
    const bell = page.getByRole('link', { name: /^Notifications, \d+ unread$/ });
    await page.getByRole('link', { name: /^Notifications, [1-9]\d* unread$/ }).waitFor();
    await bell.click();
    await page.getByRole('heading', { level: 1, name: 'Notifications and alerts' }).waitFor();
    const list = page.getByRole('list', { name: 'Security notifications' });
    await list.getByRole('listitem').filter({ hasText: 'Your personal security code was changed' }).waitFor();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByText('No unread notifications.').waitFor();
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();

    const critical = page.getByRole('checkbox', { name: /Password changed or reset/ });
    expect(await critical.isChecked()).toBe(true);
    expect(await critical.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: /Sign-in from a new device/ }).uncheck();
    await page.getByText('Your alert settings have been saved.').waitFor();
    expect((await security.alerts.preferences(alice.id)).find((a) => a.kind === 'new_sign_in')).toMatchObject({ enabled: false });
  });

  it('adds a passkey with the virtual authenticator, and signs in with it without a password', async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await openSecurityPage('Passkeys');
    await page.getByText('You have no passkeys yet.').waitFor();
    await page.getByLabel('Passkey name').fill('Laptop');
    await page.getByLabel('Account password').fill(password);
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await page.getByText('The passkey Laptop was added.').waitFor();
    const row = page.getByRole('table', { name: 'Your passkeys' }).getByRole('row').filter({ hasText: 'Laptop' });
    await row.filter({ hasText: 'Never' }).waitFor();

    await row.getByRole('button', { name: 'Rename Laptop' }).click();
    await page.getByLabel('New name').fill('Work laptop');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The passkey is now called Work laptop.').waitFor();

    f.advance(MINUTE);
    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByText(ALICE).waitFor();
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSecurityPage('Passkeys');
    const used = page.getByRole('table', { name: 'Your passkeys' }).getByRole('row').filter({ hasText: 'Work laptop' });
    await used.waitFor();
    expect(await used.getByText('Never').count()).toBe(0);
  });

  it('with two-factor sign-in on, "Use a passkey" completes the second step and trusts the device', async () => {
    const account = (await accountRecords(f.store).findById(alice.id))!;
    const by = { actor: `user:${ALICE}` };
    const enrolment = await f.security.twoFactor.beginEnrolment({ account, password, by });
    const code = new TOTP({ secret: Secret.fromBase32(enrolment.secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: f.clock() });
    await f.security.twoFactor.confirmEnrolment({ account: (await accountRecords(f.store).findById(alice.id))!, code, by });
    f.advance(MINUTE);
    await signOut();
    await signIn({ secondStep: true });
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByLabel('This is my trusted device').check();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSecurityPage('Device log');
    await page.getByRole('table', { name: 'My frequently used devices' }).getByRole('row').filter({ hasText: 'Signed in — current device' }).waitFor();
  });

  it('forgot password: the same answer, the mailed link opened in the page sets a new password with a passkey as second factor, and the new password signs in', async () => {
    await signOut();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Forgot password?' }).waitFor();
    await page.getByLabel('Email address').fill(ALICE);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText(/^If this address belongs to an account with a verified alternate email, a link to choose a new password has been sent there\./).waitFor();
    await security.passwordReset.idle();
    const token = mailed(mailer, CAFE, /reset-password#token=([A-Za-z0-9_-]+)/);

    // A broken link says so and offers a new one.
    await page.goto(`${base}/reset-password#token=not-a-real-token`);
    await page.getByRole('alert').filter({ hasText: /not valid/ }).waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();

    await page.goto(`${base}/reset-password#token=${token}`);
    await page.getByText(`Choose a new password for ${ALICE}.`).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    f.advance(MINUTE);
    password = 'Fresh-Lantern-Harbour-73';
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Confirm new password').fill(password);
    // Two-factor sign-in is on: a mailbox alone does not reset the password.
    await page.getByLabel('Verification code').waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByText(/^Password changed\./).waitFor();
    await page.getByRole('link', { name: 'Sign in with your new password' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mailward' }).waitFor();
    f.advance(MINUTE);
    // The reset untrusted every device: the second factor is asked again.
    await signIn({ secondStep: true });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  });

  it('deletes a passkey with the account password', async () => {
    await page.getByRole('link', { name: 'Personal Settings', exact: true }).click();
    await openSecurityPage('Passkeys');
    await page.getByRole('button', { name: 'Delete Work laptop' }).click();
    const confirm = page.getByRole('form', { name: 'Delete Work laptop' });
    await confirm.getByLabel('Account password').fill(password);
    await confirm.getByRole('button', { name: 'Delete passkey' }).click();
    await page.getByText('The passkey Work laptop was deleted.').waitFor();
    await page.getByText('You have no passkeys yet.').waitFor();
  });

  it('removes the alternate email with the account password', async () => {
    await openSecurityPage('Alternate email');
    const remove = page.getByRole('form', { name: 'Remove the alternate email' });
    await remove.getByLabel('Account password').fill(password);
    await remove.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('The alternate email was removed.').waitFor();
    await page.getByText('No verified alternate email').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
