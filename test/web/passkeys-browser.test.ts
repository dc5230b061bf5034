// Passkeys in a real browser: headless Chromium with CDP virtual authenticators, a one-page site on node:http, and the Passkeys service on a real store.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import { isMailwardError } from '../../src/errors/index.js';
import type { Passkeys } from '../../src/security/index.js';
import type { SecurityFixture } from '../support/security-fixture.js';
import { FIXTURE_PASSWORD, openSecurityFixture, passkeysWith } from '../support/security-fixture.js';
import { chromiumUnavailable, launchChromium } from '../support/browser.js';
import { accountRecords } from '../../src/accounts/index.js';

const skip = chromiumUnavailable('passkeys browser test');

type Mode = 'register' | 'second-factor' | 'passwordless';

/**
 * The page: fetches options, calls navigator.credentials.create/get, converts the ArrayBuffers to
 * base64url by hand (the JSON forms of WebAuthn Level 3) and posts the answer back.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Passkeys</title></head><body><script>
function toBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
function toText(buffer) {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
}
async function post(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}
function creationOptions(o) {
  return { ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) }, excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })) };
}
function requestOptions(o) {
  return { ...o, challenge: toBytes(o.challenge), allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })) };
}
function registrationJSON(c) {
  return {
    id: c.id, rawId: toText(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment || undefined,
    clientExtensionResults: c.getClientExtensionResults(),
    response: { clientDataJSON: toText(c.response.clientDataJSON), attestationObject: toText(c.response.attestationObject), transports: c.response.getTransports() },
  };
}
function authenticationJSON(c) {
  return {
    id: c.id, rawId: toText(c.rawId), type: c.type, authenticatorAttachment: c.authenticatorAttachment || undefined,
    clientExtensionResults: c.getClientExtensionResults(),
    response: {
      clientDataJSON: toText(c.response.clientDataJSON), authenticatorData: toText(c.response.authenticatorData), signature: toText(c.response.signature),
      userHandle: c.response.userHandle ? toText(c.response.userHandle) : undefined,
    },
  };
}
window.post = post;
window.ceremony = async (body) => {
  const started = await post('/options', body);
  if (!started.ok) return { stage: 'options', ...started };
  let credential;
  try {
    credential = body.mode === 'register'
      ? await navigator.credentials.create({ publicKey: creationOptions(started.options) })
      : await navigator.credentials.get({ publicKey: requestOptions(started.options) });
  } catch (error) {
    return { stage: 'browser', ok: false, error: error.name };
  }
  const response = body.mode === 'register' ? registrationJSON(credential) : authenticationJSON(credential);
  const verified = await post('/verify', { mode: body.mode, flowId: started.flowId, response, name: body.name });
  return { stage: 'verify', flowId: started.flowId, options: started.options, response, ...verified };
};
</script></body></html>`;

interface CeremonyResult {
  stage: 'options' | 'browser' | 'verify';
  ok: boolean;
  code?: string;
  refusal?: string;
  error?: string;
  flowId?: string;
  options?: { allowCredentials?: Array<{ id: string }>; excludeCredentials?: Array<{ id: string }>; userVerification?: string };
  response?: RegistrationResponseJSON | AuthenticationResponseJSON;
  passkey?: { id: number; name: string; transports: string[]; backedUp: boolean };
  signIn?: { accountId: number; passkeyId: number; userVerified: boolean };
}

interface VirtualCredential {
  credentialId: string;
  privateKey: string;
  isResidentCredential: boolean;
  rpId: string;
  signCount: number;
  userHandle?: string;
}

function readJSON(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.on('error', reject);
  });
}

function failure(error: unknown): Record<string, unknown> {
  if (!isMailwardError(error)) throw error;
  const refusal = error.cause instanceof Error ? error.cause.message.replace(/^passkey refused: /, '') : undefined;
  return { ok: false, code: error.code, ...(refusal !== undefined ? { refusal } : {}) };
}

describe.skipIf(skip)('passkeys in Chromium with a virtual authenticator', () => {
  let f: SecurityFixture;
  let alice: Account;
  let passkeys: Passkeys;
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  /** Two devices of alice's: a tab each, each with its own virtual authenticator. */
  const devices: Record<'laptop' | 'phone', { page: Page; cdp: CDPSession; authenticatorId: string }> = {} as never;
  const passkeyIds: Record<string, number> = {};

  async function handle(path: string, body: Record<string, unknown>, ip: string): Promise<Record<string, unknown>> {
    const account = (await accountRecords(f.store).findById(alice.id))!;
    const by = { actor: `user:${account.address}`, ip };
    const mode = body.mode as Mode;
    if (path === '/options') {
      const ceremony =
        mode === 'register'
          ? await passkeys.registrationOptions({ account, password: String(body.password), by })
          : await passkeys.authenticationOptions(mode === 'second-factor' ? { accountId: account.id } : {});
      return { ok: true, flowId: ceremony.flowId, options: ceremony.options };
    }
    const flowId = String(body.flowId);
    if (mode === 'register') {
      const passkey = await passkeys.verifyRegistration({ account, flowId, response: body.response as RegistrationResponseJSON, name: String(body.name), by });
      return { ok: true, passkey };
    }
    const response = body.response as AuthenticationResponseJSON;
    const signIn = await passkeys.verifyAuthentication({ flowId, response, ip, ...(mode === 'second-factor' ? { expectedAccountId: account.id } : {}) });
    return { ok: true, signIn };
  }

  beforeAll(async () => {
    f = await openSecurityFixture('sqlite');
    alice = await f.addUser('alice');
    server = http.createServer((request, response) => {
      const send = (status: number, type: string, text: string): void => {
        response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(text);
      };
      if (request.method === 'GET' && request.url === '/') return send(200, 'text/html; charset=utf-8', PAGE);
      if (request.method !== 'POST' || (request.url !== '/options' && request.url !== '/verify')) return send(404, 'text/plain', 'not found');
      readJSON(request)
        .then((body) => handle(request.url!, body, request.socket.remoteAddress ?? ''))
        .catch(failure)
        .then(
          (result) => send(200, 'application/json', JSON.stringify(result)),
          (error: unknown) => send(500, 'text/plain', String(error)),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // localhost is a secure context on plain HTTP, and a valid RP id for WebAuthn.
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    passkeys = passkeysWith(f, [origin]);

    browser = await launchChromium();
    for (const name of ['laptop', 'phone'] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await page.goto(`${origin}/`);
      devices[name] = { page, cdp, authenticatorId };
    }
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await f?.cleanup();
  });

  function ceremony(device: 'laptop' | 'phone', body: { mode: Mode; password?: string; name?: string }): Promise<CeremonyResult> {
    const { page } = devices[device];
    return page.evaluate((b) => (globalThis as unknown as { ceremony(x: unknown): Promise<CeremonyResult> }).ceremony(b), body);
  }

  function resend(device: 'laptop' | 'phone', body: { mode: Mode; flowId: string; response: unknown }): Promise<CeremonyResult> {
    const { page } = devices[device];
    return page.evaluate((b) => (globalThis as unknown as { post(path: string, x: unknown): Promise<CeremonyResult> }).post('/verify', b), body);
  }

  async function credentialsOf(device: 'laptop' | 'phone'): Promise<VirtualCredential[]> {
    const { cdp, authenticatorId } = devices[device];
    return ((await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: VirtualCredential[] }).credentials;
  }

  it('registers a passkey on each of two devices, behind the password, never the same authenticator twice', async () => {
    expect(await ceremony('laptop', { mode: 'register', password: 'wrong', name: 'Laptop' })).toMatchObject({ stage: 'options', ok: false, code: 'PASSWORD_WRONG' });

    const laptop = await ceremony('laptop', { mode: 'register', password: FIXTURE_PASSWORD, name: 'Laptop' });
    expect(laptop).toMatchObject({ stage: 'verify', ok: true, passkey: { name: 'Laptop', transports: ['internal'], backedUp: false } });
    passkeyIds.laptop = laptop.passkey!.id;

    // The laptop's authenticator holds an excluded credential: the browser itself refuses a second one.
    const twice = await ceremony('laptop', { mode: 'register', password: FIXTURE_PASSWORD, name: 'Laptop again' });
    expect(twice).toMatchObject({ stage: 'browser', ok: false, error: 'InvalidStateError' });

    const phone = await ceremony('phone', { mode: 'register', password: FIXTURE_PASSWORD, name: 'Phone' });
    expect(phone).toMatchObject({ stage: 'verify', ok: true, passkey: { name: 'Phone' } });
    expect(phone.options!.excludeCredentials!.map((c) => c.id)).toEqual([laptop.response!.id]);
    passkeyIds.phone = phone.passkey!.id;

    // Both are discoverable credentials for localhost, made for the same (random) user handle.
    const [onLaptop] = await credentialsOf('laptop');
    const [onPhone] = await credentialsOf('phone');
    expect(onLaptop).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
    expect(onPhone).toMatchObject({ rpId: 'localhost', isResidentCredential: true });
    const stored = await f.query<{ credential_id: string; user_handle: string }>('select credential_id, user_handle from passkeys order by id');
    expect(stored.map((r) => r.credential_id)).toEqual([laptop.response!.id, phone.response!.id]);
    expect(stored.map((r) => r.user_handle)).toEqual([onLaptop!.userHandle, onPhone!.userHandle].map((h) => Buffer.from(h!, 'base64').toString('base64url')));
    expect((await passkeys.list(alice)).map((p) => p.name)).toEqual(['Laptop', 'Phone']);
  });

  it('signs in with either as a second factor after the password', async () => {
    const fromLaptop = await ceremony('laptop', { mode: 'second-factor' });
    expect(fromLaptop.options!.allowCredentials!.map((c) => c.id).sort()).toEqual(
      (await f.query<{ credential_id: string }>('select credential_id from passkeys')).map((r) => r.credential_id).sort(),
    );
    expect(fromLaptop).toMatchObject({ ok: true, signIn: { accountId: alice.id, passkeyId: passkeyIds.laptop, userVerified: true } });
    expect(await ceremony('phone', { mode: 'second-factor' })).toMatchObject({ ok: true, signIn: { accountId: alice.id, passkeyId: passkeyIds.phone } });
    // The stored counter follows the authenticator's.
    const [laptopCredential] = await credentialsOf('laptop');
    const [row] = await f.query<{ counter: number }>('select counter from passkeys where id = ?', [passkeyIds.laptop]);
    expect(laptopCredential!.signCount).toBeGreaterThan(0);
    expect(Number(row!.counter)).toBe(laptopCredential!.signCount);
    expect((await passkeys.list(alice)).every((p) => p.lastUsedAt === f.clock())).toBe(true);
  });

  it('signs in password-less with a discoverable passkey, and refuses its assertion replayed', async () => {
    const signIn = await ceremony('phone', { mode: 'passwordless' });
    expect(signIn.options).toMatchObject({ allowCredentials: [], userVerification: 'required' });
    expect(signIn).toMatchObject({ ok: true, signIn: { accountId: alice.id, passkeyId: passkeyIds.phone, userVerified: true } });

    // The same answer again, under its own (used) flow and under a fresh one.
    expect(await resend('phone', { mode: 'passwordless', flowId: signIn.flowId!, response: signIn.response })).toMatchObject({ ok: false, code: 'AUTH_FAILED', refusal: 'flow' });
    const fresh = (await devices.phone.page.evaluate(() => (globalThis as unknown as { post(p: string, b: unknown): Promise<{ flowId: string }> }).post('/options', { mode: 'passwordless' }))).flowId;
    expect(await resend('phone', { mode: 'passwordless', flowId: fresh, response: signIn.response })).toMatchObject({ ok: false, code: 'AUTH_FAILED', refusal: 'assertion' });
    expect(await ceremony('laptop', { mode: 'passwordless' })).toMatchObject({ ok: true, signIn: { passkeyId: passkeyIds.laptop } });
  });

  it('refuses a copy of the laptop key whose counter is behind (a cloned authenticator)', async () => {
    const [original] = await credentialsOf('laptop');
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { ...original!, signCount: 0 },
    });
    await page.goto(`${origin}/`);
    const copied = await page.evaluate((b) => (globalThis as unknown as { ceremony(x: unknown): Promise<CeremonyResult> }).ceremony(b), { mode: 'passwordless' });
    expect(copied).toMatchObject({ stage: 'verify', ok: false, code: 'AUTH_FAILED', refusal: 'counter' });
    // The same credential (and a valid signature): only the counter gives the copy away.
    const [laptopRow] = await f.query<{ credential_id: string }>('select credential_id from passkeys where id = ?', [passkeyIds.laptop]);
    expect(copied.response!.id).toBe(laptopRow!.credential_id);
    await context.close();
    // The original, further along, still signs in.
    expect(await ceremony('laptop', { mode: 'second-factor' })).toMatchObject({ ok: true, signIn: { passkeyId: passkeyIds.laptop } });
  });

  it('refuses a deleted passkey, which the device still holds', async () => {
    await passkeys.delete({ account: alice, id: passkeyIds.phone!, password: FIXTURE_PASSWORD, by: { actor: 'user:alice', ip: '127.0.0.1' } });
    expect(await credentialsOf('phone')).toHaveLength(1);
    const attempt = await ceremony('phone', { mode: 'passwordless' });
    expect(attempt).toMatchObject({ stage: 'verify', ok: false, code: 'AUTH_FAILED', refusal: 'credential_unknown' });
    expect((await ceremony('laptop', { mode: 'second-factor' })).options!.allowCredentials!.map((c) => c.id)).toHaveLength(1);
    expect((await passkeys.list(alice)).map((p) => p.name)).toEqual(['Laptop']);
  });
});
