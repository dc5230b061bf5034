// Alternate email, forgot password and security notifications through the API over a real socket, with a mailer that records what it sends.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Security } from '../../src/security/index.js';
import { APIClient } from '../support/api-client.js';
import type { APIServer } from '../support/api-server.js';
import { startAPIServer } from '../support/api-server.js';
import type { RecordingMailer } from '../support/recovery-fixture.js';
import { recordingMailer } from '../support/recovery-fixture.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, openSecurityFixture, securityWith } from '../support/security-fixture.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const ALTERNATE = 'alice.home@elsewhere.example';
/** The configured web.public_url: links start with it whatever Host a request names. */
const PUBLIC_URL = 'https://mail.example.test';

describe('recovery and notifications through the API', () => {
  let f: SecurityFixture;
  let security: Security;
  let mailer: RecordingMailer;
  let server: APIServer;
  let base: string;

  beforeAll(async () => {
    f = await openSecurityFixture('sqlite');
    mailer = recordingMailer();
    security = securityWith(f, { mailer });
    security.alerts.start();
    server = await startAPIServer(f, { security, publicURL: PUBLIC_URL });
    base = server.base;
  });
  afterAll(async () => {
    await security?.alerts.stop();
    await server?.close();
    await f?.cleanup();
  });
  beforeEach(async () => {
    await f.reset();
    mailer.sent.length = 0;
    await f.addUser('alice');
  });

  async function signedIn(): Promise<APIClient> {
    const browser = new APIClient(base);
    expect((await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('signed_in');
    return browser;
  }

  async function verifiedAlternate(browser: APIClient): Promise<void> {
    const added = await browser.call('PUT', '/api/v1/security/alternate-email', { address: ALTERNATE, password: FIXTURE_PASSWORD });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const code = /Verification code: (\S+)/.exec(mailer.to(ALTERNATE).at(-1)!.text)![1]!;
    expect((await browser.call('POST', '/api/v1/security/alternate-email/verify', { code: '00000000' })).status).toBeGreaterThanOrEqual(400);
    const verified = await browser.call('POST', '/api/v1/security/alternate-email/verify', { code });
    expect(verified.body).toMatchObject({ address: ALTERNATE });
  }

  it('adds and verifies an alternate email; links are built from web.public_url, never from the Host header', async () => {
    const browser = await signedIn();
    const added = await browser.call('PUT', '/api/v1/security/alternate-email', { address: ALTERNATE, password: 'wrong' });
    expect(added.body['code']).toBe('PASSWORD_WRONG');
    await browser.call('PUT', '/api/v1/security/alternate-email', { address: ALTERNATE, password: FIXTURE_PASSWORD }, { headers: { host: 'evil.example' } });
    const link = /(https?:\/\/\S+)/.exec(mailer.to(ALTERNATE).at(-1)!.text)![1]!;
    expect(link.startsWith(`${PUBLIC_URL}/verify-alternate-email`)).toBe(true);
    const token = new URL(link).hash.replace(/^#token=/, '');
    expect((await new APIClient(base).call('POST', '/api/v1/alternate-email/verify-link', { token })).body).toMatchObject({ address: ALTERNATE });
    expect((await browser.call('GET', '/api/v1/security/alternate-email')).body).toMatchObject({ address: ALTERNATE, pending: null });
  });

  it('forgot password: the same answer for anyone, a link to the verified alternate email, and every session ends after the reset', async () => {
    const desk = await signedIn();
    await verifiedAlternate(desk);
    const known = await new APIClient(base).call('POST', '/api/v1/password-reset', { address: ALICE });
    const unknown = await new APIClient(base).call('POST', '/api/v1/password-reset', { address: `nobody@${FIXTURE_DOMAIN}` });
    expect(known.status).toBe(200);
    expect(known.body).toEqual(unknown.body);
    await security.passwordReset.idle();
    const mail = mailer.to(ALTERNATE).find((m) => /Reset the password/.test(m.subject))!;
    const link = /(https:\/\/\S+reset-password\S*)/.exec(mail.text)![1]!;
    expect(link.startsWith(`${PUBLIC_URL}/reset-password`)).toBe(true);
    const token = new URL(link).hash.replace(/^#token=/, '');
    expect((await new APIClient(base).call('POST', '/api/v1/password-reset/check', { token })).body).toMatchObject({ valid: true, address: ALICE, secondFactorRequired: false });
    const next = 'Brand-New-Passphrase-77';
    const mismatch = await new APIClient(base).call('POST', '/api/v1/password-reset/complete', { token, password: next, confirm: 'other' });
    expect(mismatch.body['code']).toBe('PASSWORD_MISMATCH');
    f.advance(60_000);
    const done = await new APIClient(base).call('POST', '/api/v1/password-reset/complete', { token, password: next, confirm: next });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await desk.call('GET', '/api/v1/session')).body['code']).toBe('SIGN_IN_REQUIRED');
    expect((await new APIClient(base).call('POST', '/api/v1/password-reset/complete', { token, password: next, confirm: next })).status).toBeGreaterThanOrEqual(400);
    expect((await new APIClient(base).call('POST', '/api/v1/session', { address: ALICE, password: next })).body['status']).toBe('signed_in');
  });

  it('lists security notifications with an unread count, marks them read, and keeps critical alerts on', async () => {
    const browser = await signedIn();
    f.advance(60_000);
    const next = 'Another-Good-Passphrase-5';
    expect((await browser.call('PUT', '/api/v1/security/password', { current: FIXTURE_PASSWORD, next, confirm: next })).status).toBe(200);
    await security.alerts.idle();
    const listed = await browser.call<{ notifications: Array<{ id: number; kind: string }>; unread: number }>('GET', '/api/v1/security/notifications');
    expect(listed.body.notifications.map((n) => n.kind)).toContain('password_changed');
    expect(listed.body.unread).toBeGreaterThan(0);
    expect((await browser.call('POST', '/api/v1/security/notifications/read', {})).status).toBe(200);
    expect((await browser.call<{ unread: number }>('GET', '/api/v1/security/notifications')).body.unread).toBe(0);
    const off = await browser.call('PUT', '/api/v1/security/alerts/password_changed', { enabled: false });
    expect(off.status).toBeGreaterThanOrEqual(400);
    const switched = await browser.call<{ alerts: Array<{ kind: string; enabled: boolean }> }>('PUT', '/api/v1/security/alerts/new_sign_in', { enabled: false });
    expect(switched.body.alerts.find((a) => a.kind === 'new_sign_in')).toMatchObject({ enabled: false });
  });
});
