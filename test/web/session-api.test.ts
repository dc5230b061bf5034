// The sign-in, session and device-log API over a real socket and a real store: cookies, CSRF, timeouts, the second factor, trusted devices and force logout.
import { Secret, TOTP, URI } from 'otpauth';
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import { describeOnEveryDialect } from '../support/every-dialect.js';
import { APIClient } from '../support/api-client.js';
import { serveAPI } from '../support/api-server.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../support/security-fixture.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const MINUTE = 60_000;
const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0';

function appCode(base32: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

interface DeviceLogBody {
  trusted: Array<{ id: string; status: string; os: string; client: string; kind: string; lastLocation: string; firstLoginAt: number; lastLoginAt: number }>;
  other: Array<{ id: string; status: string; os: string; client: string; kind: string }>;
}

describeOnEveryDialect('web sign-in and sessions', securityFixture(), (f) => {
  const api = serveAPI(f);
  let alice: Account;

  beforeEach(async () => {
    alice = await f.addUser('alice');
  });

  async function signedIn(browser = new APIClient(api.base)): Promise<APIClient> {
    const response = await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body['status']).toBe('signed_in');
    return browser;
  }

  /** Turns two-factor sign-in on through the API; returns the app's secret. */
  async function enrol(browser: APIClient): Promise<string> {
    const begun = await browser.call<{ uri: string; qrSVG: string; secret: string }>('POST', '/api/v1/security/two-factor/totp', { password: FIXTURE_PASSWORD });
    expect(begun.status).toBe(200);
    expect(begun.body.qrSVG).toMatch(/^<svg|<\?xml/);
    const base32 = (URI.parse(begun.body.uri) as TOTP).secret.base32;
    const confirmed = await browser.call<{ backupCodes: { codes: string[] } }>('POST', '/api/v1/security/two-factor/totp/confirm', { code: appCode(base32, f.clock()) });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.backupCodes.codes).toHaveLength(10);
    return base32;
  }

  it('signs in with HttpOnly SameSite cookies, says who is signed in, and signs out for real', async () => {
    const browser = new APIClient(api.base);
    const response = await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(response.status).toBe(200);
    const session = response.setCookies.find((c) => c.startsWith('mw_session='))!;
    const device = response.setCookies.find((c) => c.startsWith('mw_device='))!;
    for (const cookie of [session, device]) {
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      // Plain HTTP here: Secure would make the browser drop it; over HTTPS it is set (see cookies.ts).
      expect(cookie).not.toMatch(/Secure/i);
    }
    expect(device).toMatch(/Max-Age=34560000/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const me = await browser.call('GET', '/api/v1/session');
    expect(me.body).toMatchObject({ address: ALICE, mustChangePassword: false, mustEnrollTwoFactor: false });
    // The cookie value is not what the database keeps: a copy of the table signs nobody in.
    const stored = await f.query<{ id_hash: string }>('select id_hash from web_sessions');
    expect(stored.map((r) => r.id_hash)).not.toContain(browser.cookies.get('mw_session'));

    const cookie = browser.cookies.get('mw_session')!;
    expect((await browser.call('DELETE', '/api/v1/session')).status).toBe(204);
    expect(browser.cookies.has('mw_session')).toBe(false);
    // The old cookie, replayed, is worth nothing: the server session ended.
    const replay = browser.fresh();
    replay.cookies.set('mw_session', cookie);
    expect((await replay.call('GET', '/api/v1/session')).body).toMatchObject({ status: 401, code: 'SIGN_IN_REQUIRED' });
  });

  it('answers a wrong password and an unknown account alike, and a disabled account with what to do', async () => {
    const wrong = await new APIClient(api.base).call('POST', '/api/v1/session', { address: ALICE, password: 'not-the-password' });
    const unknown = await new APIClient(api.base).call('POST', '/api/v1/session', { address: `nobody@${FIXTURE_DOMAIN}`, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ status: 401, code: 'AUTH_FAILED', message: 'Verification failure. Please check the username and password you entered.' });
    expect(wrong.setCookies).toEqual([]);
    await f.security.accountSecurity.disable({ address: ALICE, reason: 'admin', by: { actor: 'admin' } });
    const disabled = await new APIClient(api.base).call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(disabled.body).toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
    expect(disabled.body['message']).toMatch(/Your account is disabled.*administrator/);
  });

  it('refuses bad input with INVALID_INPUT and a change without the CSRF token with FORBIDDEN', async () => {
    const bad = await new APIClient(api.base).call('POST', '/api/v1/session', { address: ALICE });
    expect(bad.body).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    const notJSON = await fetch(`${api.base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `address=${ALICE}&password=x` });
    // A cross-site form cannot post JSON: a form post is not even parsed.
    expect(notJSON.status).toBeGreaterThanOrEqual(400);
    expect(notJSON.status).toBeLessThan(500);

    const browser = await signedIn();
    const noToken = await browser.call('PUT', '/api/v1/security/services', { pop3: false }, { csrf: false });
    expect(noToken.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const wrongToken = await browser.call('PUT', '/api/v1/security/services', { pop3: false }, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(64) } });
    expect(wrongToken.status).toBe(403);
    expect((await f.store.accounts.findById(alice.id))!.pop3_enabled).toBe(1);
    const withToken = await browser.call('PUT', '/api/v1/security/services', { pop3: false });
    expect(withToken.body).toEqual({ smtp: true, pop3: false, imap: true });
  });

  it('times out an idle session with SESSION_TIMED_OUT, and any session after session.max_hours', async () => {
    const browser = await signedIn();
    f.advance(29 * MINUTE);
    expect((await browser.call('GET', '/api/v1/session')).status).toBe(200);
    f.advance(29 * MINUTE); // active 29 minutes ago: still in
    expect((await browser.call('GET', '/api/v1/session')).status).toBe(200);
    f.advance(31 * MINUTE);
    const timedOut = await browser.call('GET', '/api/v1/session');
    expect(timedOut.body).toEqual({ status: 401, code: 'SESSION_TIMED_OUT', message: 'Operation timed out. Please sign in again.' });
    expect((await browser.call('GET', '/api/v1/session')).body['code']).toBe('SESSION_TIMED_OUT');

    await f.policies.set('session.max_hours', 1);
    const busy = await signedIn();
    for (let i = 0; i < 6; i++) {
      f.advance(10 * MINUTE);
      expect((await busy.call('GET', '/api/v1/session')).status).toBe(200);
    }
    f.advance(1 * MINUTE);
    expect((await busy.call('GET', '/api/v1/session')).body['code']).toBe('SESSION_TIMED_OUT');
  });

  it('a background request (the live-update stream) does not keep an unattended session alive', async () => {
    const browser = await signedIn();
    const token = browser.cookies.get('mw_session')!;
    for (let i = 0; i < 3; i++) {
      f.advance(10 * MINUTE);
      await f.security.webSessions.resume(token, { renew: false });
    }
    f.advance(10 * MINUTE);
    await expect(f.security.webSessions.resume(token, { renew: false })).rejects.toMatchObject({ code: 'SESSION_TIMED_OUT' });
    expect((await browser.call('GET', '/api/v1/session')).body['code']).toBe('SESSION_TIMED_OUT');
  });

  it('asks for the second factor, refuses a wrong code, and trusts the device only when asked', async () => {
    const base32 = await enrol(await signedIn());
    f.advance(MINUTE);

    const laptop = new APIClient(api.base, FIREFOX_MAC);
    const step1 = await laptop.call<{ status: string; pendingToken: string; methods: string[] }>('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(step1.body.status).toBe('second_factor');
    expect(step1.body.methods).toEqual(['totp', 'backup_code']);
    expect(laptop.cookies.has('mw_session')).toBe(false);
    expect((await laptop.call('GET', '/api/v1/session')).status).toBe(401);
    const wrong = await laptop.call('POST', '/api/v1/session/second-factor', { pendingToken: step1.body.pendingToken, code: '000000' });
    expect(wrong.body).toMatchObject({ status: 401, code: 'OTP_FAILED' });
    const right = await laptop.call('POST', '/api/v1/session/second-factor', { pendingToken: step1.body.pendingToken, code: appCode(base32, f.clock()), trustDevice: true });
    expect(right.body).toMatchObject({ status: 'signed_in', secondFactor: 'totp' });
    // A pending sign-in is used once.
    f.advance(MINUTE);
    const again = await laptop.fresh().call('POST', '/api/v1/session/second-factor', { pendingToken: step1.body.pendingToken, code: appCode(base32, f.clock()) });
    expect(again.body['code']).toBe('SIGN_IN_REQUIRED');

    const log = (await laptop.call<DeviceLogBody>('GET', '/api/v1/security/devices')).body;
    expect(log.trusted).toHaveLength(1);
    expect(log.trusted[0]).toMatchObject({ status: 'current', os: 'macOS 14.5', client: 'Firefox 133', kind: 'browser' });
    expect(log.other.map((d) => d.status)).toEqual(['signed_in']);

    // The trusted browser signs in with the password alone, until it is removed from the list.
    await laptop.call('DELETE', '/api/v1/session');
    f.advance(MINUTE);
    expect((await laptop.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body).toMatchObject({
      status: 'signed_in',
      secondFactor: 'trusted_device',
    });
    const other = await laptop.fresh().call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(other.body['status']).toBe('second_factor');

    const trustedId = log.trusted[0]!.id;
    expect((await laptop.call('DELETE', `/api/v1/security/devices/${trustedId}/trust`)).status).toBe(204);
    await laptop.call('DELETE', '/api/v1/session');
    expect((await laptop.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('second_factor');
    expect((await f.security.audit.list({ accountId: alice.id })).map((e) => e.action)).toEqual(expect.arrayContaining(['device.trusted', 'device.removed']));
  });

  it('lets trust lapse after devices.trust_days, and a password change clear it', async () => {
    const base32 = await enrol(await signedIn());
    const laptop = new APIClient(api.base, FIREFOX_MAC);
    const trustOnce = async (): Promise<void> => {
      f.advance(MINUTE);
      const step1 = await laptop.call<{ pendingToken: string }>('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
      await laptop.call('POST', '/api/v1/session/second-factor', { pendingToken: step1.body.pendingToken, code: appCode(base32, f.clock()), trustDevice: true });
    };
    await trustOnce();
    await f.policies.set('devices.trust_days', 2);
    f.advance(47 * 60 * MINUTE);
    expect((await laptop.fresh().call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('second_factor');
    const clone = laptop.fresh();
    clone.cookies.set('mw_device', laptop.cookies.get('mw_device')!);
    expect((await clone.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('signed_in');
    f.advance(2 * 60 * MINUTE);
    expect((await clone.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('second_factor');

    await trustOnce();
    expect((await clone.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('signed_in');
    const next = 'An0ther-Long-Passphrase!';
    f.advance(MINUTE);
    const changed = await laptop.call<{ csrfToken: string }>('PUT', '/api/v1/security/password', { current: FIXTURE_PASSWORD, next, confirm: next });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // The session that changed the password goes on, under a new id; the trust is gone.
    expect((await laptop.call('GET', '/api/v1/session')).status).toBe(200);
    expect((await clone.call('GET', '/api/v1/session')).body['code']).toBe('SIGN_IN_REQUIRED');
    f.advance(MINUTE);
    expect((await clone.call('POST', '/api/v1/session', { address: ALICE, password: next })).body['status']).toBe('second_factor');
  });

  it('force logout of a device ends its sessions at once, and a session id changes at privilege change', async () => {
    const desk = await signedIn();
    const phone = await signedIn(new APIClient(api.base, 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'));
    const log = (await desk.call<DeviceLogBody>('GET', '/api/v1/security/devices')).body;
    const phoneDevice = log.other.find((d) => d.status === 'signed_in')!;
    expect(phoneDevice.os).toBe('Android 14');
    expect((await desk.call('POST', `/api/v1/security/devices/${phoneDevice.id}/logout`)).status).toBe(200);
    expect((await phone.call('GET', '/api/v1/session')).body['code']).toBe('SIGN_IN_REQUIRED');
    expect((await desk.call('GET', '/api/v1/session')).status).toBe(200);
    const after = (await desk.call<DeviceLogBody>('GET', '/api/v1/security/devices')).body;
    expect(after.other.find((d) => d.id === phoneDevice.id)!.status).toBe('logged_out');
    expect(f.received.filter((e) => e.type === 'DeviceLoggedOut')).toHaveLength(1);
    // The phone may sign in again: force logout is not a ban.
    f.advance(MINUTE);
    expect((await phone.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).status).toBe(200);
    // Another account's device id is not found.
    expect((await desk.call('POST', `/api/v1/security/devices/00000000-0000-4000-8000-000000000000/logout`)).body['code']).toBe('NOT_FOUND');

    const before = desk.cookies.get('mw_session')!;
    await enrol(desk);
    expect(desk.cookies.get('mw_session')).not.toBe(before);
    const stale = desk.fresh();
    stale.cookies.set('mw_session', before);
    expect((await stale.call('GET', '/api/v1/session')).status).toBe(401);
    expect((await desk.call('GET', '/api/v1/session')).status).toBe(200);
  });

  it('sends an account that must enrol straight to enrolment: every other route answers OTP_REQUIRED until it has', async () => {
    await f.policies.set('auth.require_2fa', true);
    await f.policies.set('auth.require_2fa_grace_days', 0);
    f.advance(MINUTE);
    const browser = new APIClient(api.base);
    expect((await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body).toMatchObject({ status: 'signed_in', mustEnrollTwoFactor: true });
    expect((await browser.call('GET', '/api/v1/security/devices')).body).toMatchObject({ status: 401, code: 'OTP_REQUIRED' });
    expect((await browser.call('PUT', '/api/v1/security/services', { pop3: false })).body['code']).toBe('OTP_REQUIRED');
    await enrol(browser);
    expect((await browser.call('GET', '/api/v1/security/devices')).status).toBe(200);
    expect((await browser.call('GET', '/api/v1/session')).body['mustEnrollTwoFactor']).toBe(false);
  });

  it('offers the mail clients seen with the password an app password each when two-factor sign-in goes on', async () => {
    expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, protocol: 'imap', client: 'Thunderbird' })).ok).toBe(true);
    await f.security.flush();
    const browser = await signedIn();
    const clients = await browser.call<{ clients: Array<{ protocol: string; client: string }> }>('GET', '/api/v1/security/mail-clients');
    expect(clients.body.clients).toEqual([expect.objectContaining({ protocol: 'imap', client: 'Thunderbird' })]);
    await enrol(browser);
    // With 2FA on, the password no longer opens IMAP; the offered app password does, for IMAP only.
    expect((await f.login({ username: ALICE, secret: FIXTURE_PASSWORD, protocol: 'imap', client: 'Thunderbird' })).ok).toBe(false);
    const created = await browser.call<{ secret: string; appPassword: { name: string; protocols: string[] } }>('POST', '/api/v1/security/mail-clients/app-passwords', {
      protocol: 'imap',
      client: 'Thunderbird',
    });
    expect(created.body.appPassword).toMatchObject({ name: 'Thunderbird (IMAP)', protocols: ['imap'] });
    expect((await f.login({ username: ALICE, secret: created.body.secret, protocol: 'imap', client: 'Thunderbird' })).ok).toBe(true);
    expect((await f.login({ username: ALICE, secret: created.body.secret, protocol: 'smtp' })).ok).toBe(false);
    const listed = await browser.call<{ appPasswords: Array<{ id: number }> }>('GET', '/api/v1/security/app-passwords');
    expect(listed.body.appPasswords).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await browser.call('DELETE', `/api/v1/security/app-passwords/${listed.body.appPasswords[0]!.id}`)).status).toBe(204);
    expect((await f.login({ username: ALICE, secret: created.body.secret, protocol: 'imap', client: 'Thunderbird' })).ok).toBe(false);
  });

  it("tells the password page the admin's strength level and whether the security code is asked", async () => {
    await f.policies.set('password.strength', 'very_strong');
    const browser = await signedIn();
    expect((await browser.call('GET', '/api/v1/security/password-settings')).body).toMatchObject({
      strength: { level: 'very_strong', minLength: 14, classes: 3 },
      securityCodeEnabled: false,
      securityCodeRequired: false,
      hintsEnabled: false,
      hint: '',
    });
    await f.policies.set('security_code.enabled', true);
    expect((await browser.call('PUT', '/api/v1/security/security-code', { password: FIXTURE_PASSWORD, code: 'blue-heron-42' })).status).toBe(204);
    expect((await browser.call('GET', '/api/v1/security/password-settings')).body).toMatchObject({ hasSecurityCode: true, securityCodeRequired: true });
  });

  it('lists login records and publishes an OpenAPI document of the routes', async () => {
    await new APIClient(api.base).call('POST', '/api/v1/session', { address: ALICE, password: 'wrong-one' });
    const browser = await signedIn();
    const failed = await browser.call<{ records: Array<{ result: string; protocol: string }> }>('GET', '/api/v1/security/login-records?result=failure');
    expect(failed.body.records).toHaveLength(1);
    expect(failed.body.records[0]).toMatchObject({ result: 'failure', protocol: 'web' });
    const all = await browser.call<{ records: unknown[] }>('GET', '/api/v1/security/login-records');
    expect(all.body.records).toHaveLength(2);
    const docs = await browser.call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/api/docs');
    expect(docs.body.openapi).toBe('3.1.0');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/session', '/api/v1/security/devices/{id}/logout', '/api/v1/security/two-factor/totp']));
  });
});
