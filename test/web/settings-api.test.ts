// The settings API (profile and auto-forwarding) over a real socket and a real store: validation, the security-code gate, CSRF, audit, the session's language, and a delivery that follows the saved list.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/accounts/index.js';
import type { Forwarding } from '../../src/transport/index.js';
import { FORWARDED_HEADER, InboundDelivery, RecipientResolver } from '../../src/transport/index.js';
import { MailStore } from '../../src/mailbox/index.js';
import { describeOnEveryDialect } from '../support/every-dialect.js';
import { APIClient } from '../support/api-client.js';
import type { APIServer } from '../support/api-server.js';
import { startAPIServer } from '../support/api-server.js';
import { FIXTURE_DOMAIN, FIXTURE_PASSWORD, forwardingWith, securityFixture } from '../support/security-fixture.js';

const ALICE = `alice@${FIXTURE_DOMAIN}`;
const BOB = `bob@${FIXTURE_DOMAIN}`;
const CODE = '246810';

interface ProfileBody {
  address: string;
  displayName: string;
  language: string;
  hintsEnabled: boolean;
  hint: string;
}

interface ForwardingBody {
  addresses: string[];
  keepCopy: boolean;
  securityCodeRequired: boolean;
  maxAddresses: number;
}

interface ErrorBody {
  code: string;
  message: string;
}

describeOnEveryDialect('settings API', securityFixture(), (f) => {
  let forwarding: Forwarding;
  let recipients: RecipientResolver;
  let server: APIServer;
  let base: string;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    recipients = new RecipientResolver(f.accounts);
    forwarding = forwardingWith(f, recipients);
    server = await startAPIServer(f, { settings: { forwarding } });
    base = server.base;
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    alice = await f.addUser('alice');
    bob = await f.addUser('bob');
  });

  async function signedIn(): Promise<APIClient> {
    const browser = new APIClient(base);
    const response = await browser.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return browser;
  }

  async function auditOf(action: string): Promise<Array<{ actor: string; ip: string; details: Record<string, unknown> }>> {
    return (await f.security.audit.list({ accountId: alice.id })).filter((entry) => entry.action === action);
  }

  /** The admin turns the mechanism on and alice sets her code. */
  async function requireSecurityCode(): Promise<void> {
    await f.policies.set('security_code.enabled', true);
    await f.security.accountSecurity.setSecurityCode({ account: alice, password: FIXTURE_PASSWORD, code: CODE, by: { actor: `user:${ALICE}` } });
  }

  async function inboxOf(account: Account): Promise<string[]> {
    const box = await f.store.mail.findMailbox(account.id, 'INBOX');
    if (!box) return [];
    const rows = await f.store.mail.listMessages(box.id);
    return Promise.all(rows.map(async (row) => (await f.store.blobs.get(row.blob_id)).toString()));
  }

  describe('profile', () => {
    it('reads the profile, saves a trimmed display name and a language, and audits the change with before and after', async () => {
      const browser = await signedIn();
      const first = await browser.call<ProfileBody>('GET', '/api/v1/settings/profile');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ address: ALICE, displayName: '', language: '', hintsEnabled: false, hint: '' });

      const saved = await browser.call<ProfileBody>('PUT', '/api/v1/settings/profile', { displayName: '  Alice Liddell  ', language: 'zh-TW' });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ displayName: 'Alice Liddell', language: 'zh-TW' });
      const row = (await f.store.accounts.findById(alice.id))!;
      expect({ displayName: row.display_name, language: row.language }).toEqual({ displayName: 'Alice Liddell', language: 'zh-TW' });
      expect((await browser.call<ProfileBody>('GET', '/api/v1/settings/profile')).body).toMatchObject({ displayName: 'Alice Liddell', language: 'zh-TW' });

      // Only the language: the name stays.
      await browser.call('PUT', '/api/v1/settings/profile', { language: '' });
      expect((await browser.call<ProfileBody>('GET', '/api/v1/settings/profile')).body).toMatchObject({ displayName: 'Alice Liddell', language: '' });

      const entries = await auditOf('profile.changed');
      expect(entries).toHaveLength(2);
      expect(entries[1]).toMatchObject({
        actor: `user:${ALICE}`,
        ip: '127.0.0.1',
        details: { before: { displayName: '', language: '' }, after: { displayName: 'Alice Liddell', language: 'zh-TW' } },
      });
      expect(entries[0]!.details).toEqual({ before: { displayName: 'Alice Liddell', language: 'zh-TW' }, after: { displayName: 'Alice Liddell', language: '' } });

      // Saving what is already there changes nothing and logs nothing.
      await browser.call('PUT', '/api/v1/settings/profile', { displayName: 'Alice Liddell', language: '' });
      expect(await auditOf('profile.changed')).toHaveLength(2);
    });

    it('refuses a display name with CR/LF or other control characters, one over 100 characters, and an unknown language', async () => {
      const browser = await signedIn();
      const refused: unknown[] = [
        { displayName: 'Alice\r\nBcc: everyone@remote.example' },
        { displayName: 'Alice\nLiddell' },
        { displayName: 'Alice\u0000' },
        { displayName: 'Alice\u2028Liddell' },
        { displayName: 'x'.repeat(101) },
        { language: 'fr' },
        { language: 'zh' },
        { language: 'ZH-TW' },
        { displayName: 'Alice', extra: true },
      ];
      for (const body of refused) {
        const response = await browser.call<ErrorBody>('PUT', '/api/v1/settings/profile', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.code).toBe('INVALID_INPUT');
      }
      const crlf = await browser.call<ErrorBody>('PUT', '/api/v1/settings/profile', { displayName: 'A\r\nB' });
      expect(crlf.body.message).toMatch(/displayName/);
      // Surrounding spaces do not count towards the 100.
      const padded = await browser.call<ProfileBody>('PUT', '/api/v1/settings/profile', { displayName: ` ${'x'.repeat(100)} ` });
      expect(padded.status).toBe(200);
      expect(padded.body.displayName).toBe('x'.repeat(100));
      expect((await f.store.accounts.findById(alice.id))!.display_name).toBe('x'.repeat(100));
      expect(await auditOf('profile.changed')).toHaveLength(1);
    });

    it('shows the password hint only where the admin enables hints', async () => {
      const browser = await signedIn();
      await f.policies.set('password.hints_enabled', true);
      expect((await browser.call('PUT', '/api/v1/security/password-hint', { hint: 'the rabbit hole' })).status).toBe(204);
      expect((await browser.call<ProfileBody>('GET', '/api/v1/settings/profile')).body).toMatchObject({ hintsEnabled: true, hint: 'the rabbit hole' });
      await f.policies.set('password.hints_enabled', false);
      expect((await browser.call<ProfileBody>('GET', '/api/v1/settings/profile')).body).toMatchObject({ hintsEnabled: false, hint: '' });
    });

    it('puts the chosen language and the new display name in the session answers, on this browser and at the next sign-in', async () => {
      const browser = await signedIn();
      const before = await browser.call('GET', '/api/v1/session');
      expect(before.body).toMatchObject({ address: ALICE, displayName: '', language: '' });
      await browser.call('PUT', '/api/v1/settings/profile', { displayName: 'Alice L.', language: 'zh-CN' });
      expect((await browser.call('GET', '/api/v1/session')).body).toMatchObject({ displayName: 'Alice L.', language: 'zh-CN' });

      const other = new APIClient(base, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0');
      const signIn = await other.call('POST', '/api/v1/session', { address: ALICE, password: FIXTURE_PASSWORD });
      expect(signIn.body).toMatchObject({ status: 'signed_in', displayName: 'Alice L.', language: 'zh-CN' });
    });

    it('refuses a change without the CSRF token, and everything when signed out', async () => {
      const browser = await signedIn();
      const noToken = await browser.call<ErrorBody>('PUT', '/api/v1/settings/profile', { displayName: 'Mallory' }, { csrf: false });
      expect(noToken.status).toBe(403);
      expect(noToken.body.code).toBe('FORBIDDEN');
      expect((await f.store.accounts.findById(alice.id))!.display_name).toBe('');

      const stranger = new APIClient(base);
      for (const [method, body] of [['GET', undefined], ['PUT', { displayName: 'Mallory' }]] as const) {
        const response = await stranger.call<ErrorBody>(method, '/api/v1/settings/profile', body);
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('SIGN_IN_REQUIRED');
      }
    });
  });

  describe('auto-forwarding', () => {
    it('reads an empty list, saves addresses and keep-a-copy normalised and deduplicated, and audits the change', async () => {
      const browser = await signedIn();
      const empty = await browser.call<ForwardingBody>('GET', '/api/v1/settings/forwarding');
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ addresses: [], keepCopy: true, securityCodeRequired: false, maxAddresses: 10 });

      const saved = await browser.call<ForwardingBody>('PUT', '/api/v1/settings/forwarding', { addresses: ['Carol@Remote.Example', 'carol@remote.example', BOB], keepCopy: false });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toEqual({ addresses: ['carol@remote.example', BOB], keepCopy: false, securityCodeRequired: false, maxAddresses: 10 });
      expect((await browser.call<ForwardingBody>('GET', '/api/v1/settings/forwarding')).body).toMatchObject({ addresses: ['carol@remote.example', BOB], keepCopy: false });
      expect(await forwarding.get(alice)).toEqual({ addresses: ['carol@remote.example', BOB], keepCopy: false });

      const [entry] = await auditOf('forwarding.changed');
      expect(entry).toMatchObject({ actor: `user:${ALICE}`, ip: '127.0.0.1', details: { before: { addresses: [], keepCopy: true }, after: { addresses: ['carol@remote.example', BOB], keepCopy: false } } });
    });

    it('refuses forwarding to the account itself, more than 10 addresses, and an address that is not one', async () => {
      const browser = await signedIn();
      const itself = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: ['ALICE@example.test'], keepCopy: true });
      expect(itself.status).toBe(400);
      expect(itself.body.code).toBe('INVALID_INPUT');
      expect(itself.body.message).toMatch(/this account itself/);

      const eleven = Array.from({ length: 11 }, (_, i) => `friend${i}@remote.example`);
      const many = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: eleven, keepCopy: true });
      expect(many.status).toBe(429);
      expect(many.body.code).toBe('LIMIT');
      // Ten is the most, and a duplicate does not count twice.
      const ten = await browser.call<ForwardingBody>('PUT', '/api/v1/settings/forwarding', { addresses: [...eleven.slice(0, 10), eleven[0]!], keepCopy: true });
      expect(ten.status, JSON.stringify(ten.body)).toBe(200);
      expect(ten.body.addresses).toHaveLength(10);

      const bad = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: ['not an address'], keepCopy: true });
      expect(bad.status).toBe(400);
      const missing = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: [BOB] });
      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('INVALID_INPUT');
      expect((await forwarding.get(alice)).addresses).toHaveLength(10);
    });

    it('asks for the personal security code when the admin requires it: missing and wrong codes are refused, the right one saves', async () => {
      await requireSecurityCode();
      const browser = await signedIn();
      expect((await browser.call<ForwardingBody>('GET', '/api/v1/settings/forwarding')).body.securityCodeRequired).toBe(true);
      const missing = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: true });
      expect(missing.status).toBe(403);
      expect(missing.body.code).toBe('SECURITY_CODE_REQUIRED');
      const wrong = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: true, securityCode: '000000' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('SECURITY_CODE_WRONG');
      expect((await forwarding.get(alice)).addresses).toEqual([]);
      expect(await auditOf('forwarding.changed')).toEqual([]);

      const right = await browser.call<ForwardingBody>('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: true, securityCode: CODE });
      expect(right.status, JSON.stringify(right.body)).toBe(200);
      expect(right.body).toEqual({ addresses: [BOB], keepCopy: true, securityCodeRequired: true, maxAddresses: 10 });
    });

    it('does not ask for a code the account never set, nor when the admin turned the mechanism off', async () => {
      await f.policies.set('security_code.enabled', true);
      const browser = await signedIn();
      expect((await browser.call<ForwardingBody>('GET', '/api/v1/settings/forwarding')).body.securityCodeRequired).toBe(false);
      expect((await browser.call('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: true })).status).toBe(200);
      await f.security.accountSecurity.setSecurityCode({ account: alice, password: FIXTURE_PASSWORD, code: CODE, by: { actor: `user:${ALICE}` } });
      await f.policies.set('security_code.enabled', false);
      expect((await browser.call<ForwardingBody>('GET', '/api/v1/settings/forwarding')).body.securityCodeRequired).toBe(false);
      expect((await browser.call('PUT', '/api/v1/settings/forwarding', { addresses: [], keepCopy: true })).status).toBe(200);
    });

    it('refuses a change without the CSRF token, and everything when signed out', async () => {
      const browser = await signedIn();
      const noToken = await browser.call<ErrorBody>('PUT', '/api/v1/settings/forwarding', { addresses: ['mallory@remote.example'], keepCopy: false }, { csrf: false });
      expect(noToken.status).toBe(403);
      expect(noToken.body.code).toBe('FORBIDDEN');
      expect((await forwarding.get(alice)).addresses).toEqual([]);

      const stranger = new APIClient(base);
      for (const [method, body] of [['GET', undefined], ['PUT', { addresses: ['mallory@remote.example'], keepCopy: false }]] as const) {
        const response = await stranger.call<ErrorBody>(method, '/api/v1/settings/forwarding', body);
        expect(response.status).toBe(401);
        expect(response.body.code).toBe('SIGN_IN_REQUIRED');
      }
    });

    it('forwards the next message delivered to the account as the saved list says', async () => {
      const browser = await signedIn();
      expect((await browser.call('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: false })).status).toBe(200);
      // Inbound delivery as the SMTP listener runs it (src/serve.ts), reading the same lists.
      const inbound = new InboundDelivery({
        mail: new MailStore({ store: f.store, events: f.events, now: f.clock }),
        hostname: 'mx.example.test',
        now: f.clock,
        forwarding: { lists: forwarding, recipients, rewriteSender: (from) => from },
      });
      const raw = Buffer.from(`From: sender@remote.example\r\nTo: ${ALICE}\r\nSubject: forward me\r\n\r\nbody\r\n`);
      await inbound.receive({ raw, mailFrom: 'sender@remote.example', recipients: [{ address: ALICE, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'remote.example' });
      expect(await inboxOf(alice)).toEqual([]);
      const [copy] = await inboxOf(bob);
      expect(copy).toContain('Subject: forward me');
      expect(copy).toContain(`${FORWARDED_HEADER}: ${ALICE}\r\n`);

      // Keep a copy turned on: the next one lands in both mailboxes.
      await browser.call('PUT', '/api/v1/settings/forwarding', { addresses: [BOB], keepCopy: true });
      await inbound.receive({ raw, mailFrom: 'sender@remote.example', recipients: [{ address: ALICE, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'remote.example' });
      expect(await inboxOf(alice)).toHaveLength(1);
      expect(await inboxOf(bob)).toHaveLength(2);
    });
  });

  it('describes the settings routes in the OpenAPI document', async () => {
    const docs = await new APIClient(base).call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/docs');
    expect(Object.keys(docs.body.paths['/api/v1/settings/profile']!).sort()).toEqual(['get', 'put']);
    expect(Object.keys(docs.body.paths['/api/v1/settings/forwarding']!).sort()).toEqual(['get', 'put']);
  });
});
