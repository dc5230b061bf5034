// Passkeys through the API over a real socket: adding one (password asked again), the second step of sign-in with it, password-less sign-in, and deletion.
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { Secret, TOTP, URI } from 'otpauth';
import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryDialect } from '../support/every-dialect.js';
import { APIClient } from '../support/api-client.js';
import { serveAPI } from '../support/api-server.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, securityFixture } from '../support/security-fixture.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { accountRecords } from '../../src/accounts/index.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
/** One of Security's default web origins (rpID localhost), as the browser would report it. */
const ORIGIN = 'http://localhost:8080';

describeOnEveryDialect('passkeys through the API', securityFixture(), (f) => {
  const api = serveAPI(f);

  beforeEach(async () => {
    await f.addUser('alice');
  });

  async function signedIn(): Promise<APIClient> {
    const browser = new APIClient(api.base);
    expect((await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD })).body['status']).toBe('signed_in');
    return browser;
  }

  async function addPasskey(browser: APIClient, name: string): Promise<SoftAuthenticator> {
    const wrong = await browser.call('POST', '/api/v1/security/passkeys/registration-options', { password: 'not-it' });
    expect(wrong.body['code']).toBe('PASSWORD_WRONG');
    const begun = await browser.call<{ flowId: string; options: PublicKeyCredentialCreationOptionsJSON }>('POST', '/api/v1/security/passkeys/registration-options', { password: FIXTURE_PASSWORD });
    expect(begun.status).toBe(200);
    const authenticator = new SoftAuthenticator({ origin: ORIGIN });
    const added = await browser.call('POST', '/api/v1/security/passkeys', { flowId: begun.body.flowId, name, response: authenticator.create(begun.body.options) });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ name });
    return authenticator;
  }

  it('adds a passkey and signs in password-less with it; a replay and a deleted passkey are refused', async () => {
    const desk = await signedIn();
    const key = await addPasskey(desk, 'Laptop');
    const listed = await desk.call<{ passkeys: Array<{ id: number; name: string }> }>('GET', '/api/v1/security/passkeys');
    expect(listed.body.passkeys.map((p) => p.name)).toEqual(['Laptop']);
    expect(JSON.stringify(listed.body)).not.toMatch(/publicKey|credential/i);

    const phone = new APIClient(api.base);
    const options = await phone.call<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/v1/session/passkey-options', {});
    expect(options.body.options.allowCredentials ?? []).toEqual([]);
    const assertion = key.get(options.body.options);
    const signed = await phone.call('POST', '/api/v1/session/passkey', { flowId: options.body.flowId, response: assertion });
    expect(signed.body).toMatchObject({ status: 'signed_in', address: ALICE, secondFactor: 'passkey' });
    expect((await phone.call('GET', '/api/v1/session')).status).toBe(200);
    const replay = await new APIClient(api.base).call('POST', '/api/v1/session/passkey', { flowId: options.body.flowId, response: assertion });
    expect(replay.body).toMatchObject({ status: 401, code: 'AUTH_FAILED' });
    await f.security.flush();
    const records = await desk.call<{ records: Array<{ credential: string | null }> }>('GET', '/api/v1/security/login-records?result=success');
    expect(records.body.records[0]).toMatchObject({ credential: 'passkey' });

    const id = listed.body.passkeys[0]!.id;
    expect((await desk.call('PATCH', `/api/v1/security/passkeys/${id}`, { name: 'Work laptop' })).body).toMatchObject({ name: 'Work laptop' });
    expect((await desk.call('POST', `/api/v1/security/passkeys/${id}/delete`, { password: 'wrong' })).body['code']).toBe('PASSWORD_WRONG');
    expect((await desk.call('POST', `/api/v1/security/passkeys/${id}/delete`, { password: FIXTURE_PASSWORD })).status).toBe(204);
    const again = await phone.fresh().call<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/v1/session/passkey-options', {});
    expect((await phone.fresh().call('POST', '/api/v1/session/passkey', { flowId: again.body.flowId, response: key.get(again.body.options) })).body['code']).toBe('AUTH_FAILED');
  });

  it("the admin's two-factor reset deletes the passkeys too (the user lost their keys)", async () => {
    const desk = await signedIn();
    const key = await addPasskey(desk, 'Lost key');
    const account = (await accountRecords(f.store).findByAddress(ALICE))!;
    await f.security.twoFactor.reset({ account, by: { actor: 'admin:test' } });
    expect(await f.store.passkeys.listForAccount(account.id)).toEqual([]);
    const options = await new APIClient(api.base).call<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/v1/session/passkey-options', {});
    expect((await new APIClient(api.base).call('POST', '/api/v1/session/passkey', { flowId: options.body.flowId, response: key.get(options.body.options) })).body['code']).toBe('AUTH_FAILED');
  });

  it('offers the passkey as the second step of sign-in, and trusts the device when asked', async () => {
    const desk = await signedIn();
    const key = await addPasskey(desk, 'Security key');
    const begun = await desk.call<{ uri: string }>('POST', '/api/v1/security/two-factor/totp', { password: FIXTURE_PASSWORD });
    const base32 = (URI.parse(begun.body.uri) as TOTP).secret.base32;
    const code = new TOTP({ secret: Secret.fromBase32(base32) }).generate({ timestamp: f.clock() });
    expect((await desk.call('POST', '/api/v1/security/two-factor/totp/confirm', { code })).status).toBe(200);

    const laptop = new APIClient(api.base);
    const step1 = await laptop.call<{ status: string; pendingToken: string; methods: string[] }>('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(step1.body).toMatchObject({ status: 'second_factor', methods: ['totp', 'backup_code', 'passkey'] });
    const options = await laptop.call<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/v1/session/passkey-options', { pendingToken: step1.body.pendingToken });
    expect(options.body.options.allowCredentials).toHaveLength(1);
    const done = await laptop.call('POST', '/api/v1/session/passkey', { flowId: options.body.flowId, pendingToken: step1.body.pendingToken, response: key.get(options.body.options), trustDevice: true });
    expect(done.body).toMatchObject({ status: 'signed_in', secondFactor: 'passkey' });
    const log = await laptop.call<{ trusted: Array<{ status: string }> }>('GET', '/api/v1/security/devices');
    expect(log.body.trusted.map((d) => d.status)).toEqual(['current']);

    // Another account's passkey cannot finish alice's pending sign-in.
    await f.addUser('bob');
    const bob = new APIClient(api.base);
    expect((await bob.call('POST', '/api/v1/session', { address: `bob@${FIXTURE_DOMAIN}`, password: FIXTURE_PASSWORD })).status).toBe(200);
    const bobKey = await addPasskey(bob, 'Bob key');
    const other = new APIClient(api.base);
    const pending = await other.call<{ pendingToken: string }>('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    const aliceOptions = await other.call<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>('POST', '/api/v1/session/passkey-options', { pendingToken: pending.body.pendingToken });
    const refused = await other.call('POST', '/api/v1/session/passkey', { flowId: aliceOptions.body.flowId, pendingToken: pending.body.pendingToken, response: bobKey.get(aliceOptions.body.options) });
    expect(refused.body['code']).toBe('AUTH_FAILED');
    expect(other.cookies.has('mw_session')).toBe(false);
  });
});
