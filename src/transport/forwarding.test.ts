// Auto-forwarding: the security-code gate, SRS senders, loop guards, the daily cap, all-or-nothing storage.
import { beforeEach, expect, it } from 'vitest';
import { describeOnEveryDialect } from '../../test/support/every-dialect.js';
import { FIXTURE_PASSWORD, forwardingWith, securityFixture } from '../../test/support/security-fixture.js';
import { isMailwardError } from '../errors/index.js';
import type { Account } from '../accounts/index.js';
import type { Forwarding } from './forwarding.js';
import { FORWARDED_HEADER, MAX_RECEIVED_HEADERS } from './forwarding.js';
import { InboundDelivery } from './inbound-delivery.js';
import { MailStore } from '../mailbox/mail-store.js';
import { RecipientResolver } from './recipients.js';
import { accountRecords } from '../accounts/index.js';

const RAW = Buffer.from('From: sender@remote.example\r\nTo: alice@example.test\r\nSubject: forward me\r\n\r\nbody\r\n');

describeOnEveryDialect('forwarding', securityFixture(), (f) => {
  let mail: MailStore;
  let forwarding: Forwarding;
  let inbound: InboundDelivery;
  let alice: Account;
  let bob: Account;
  let kicks: number;

  beforeEach(async () => {
    alice = await f.addUser('alice');
    bob = await f.addUser('bob');
    mail = new MailStore({ store: f.store, events: f.events, now: f.clock });
    const recipients = new RecipientResolver(f.accounts);
    forwarding = forwardingWith(f, recipients);
    kicks = 0;
    inbound = new InboundDelivery({
      mail,
      hostname: 'mx.example.test',
      now: f.clock,
      forwarding: {
        lists: forwarding,
        recipients,
        rewriteSender: (from, domain) => `SRS0=test=${from.replace('@', '=')}@${domain}`,
        kickOutbound: () => kicks++,
      },
    });
  });

  async function inboxOf(account: Account): Promise<string[]> {
    const box = await f.store.mail.findMailbox(account.id, 'INBOX');
    if (!box) return [];
    const rows = await f.store.mail.listMessages(box.id);
    return Promise.all(rows.map(async (r) => (await f.store.blobs.get(r.blob_id)).toString()));
  }

  it('stores the list, deduplicated and normalised, and audits it', async () => {
    const set = await forwarding.set({ account: alice, addresses: ['Carol@Remote.Example', 'carol@remote.example', 'bob@example.test'], keepCopy: false, by: { actor: 'user:alice' } });
    expect(set).toEqual({ addresses: ['carol@remote.example', 'bob@example.test'], keepCopy: false });
    expect(await forwarding.get(alice)).toEqual(set);
    const [entry] = await f.security.audit.list({ accountId: alice.id });
    expect(entry).toMatchObject({ action: 'forwarding.changed', details: { after: set } });
  });

  it('refuses forwarding to the account itself and more than 10 addresses', async () => {
    await expect(forwarding.set({ account: alice, addresses: ['alice@example.test'], keepCopy: true, by: { actor: 'u' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const many = Array.from({ length: 11 }, (_, i) => `x${i}@remote.example`);
    await expect(forwarding.set({ account: alice, addresses: many, keepCopy: true, by: { actor: 'u' } })).rejects.toMatchObject({ code: 'LIMIT' });
  });

  it('needs the personal security code when the mechanism is on and a code is set', async () => {
    await f.policies.set('security_code.enabled', true);
    await f.security.accountSecurity.setSecurityCode({ account: alice, password: FIXTURE_PASSWORD, code: '246810', by: { actor: 'user:alice' } });
    alice = (await accountRecords(f.store).findById(alice.id))!;
    const attempt = (code?: string) =>
      forwarding.set({ account: alice, addresses: ['carol@remote.example'], keepCopy: true, ...(code !== undefined ? { securityCode: code } : {}), by: { actor: 'user:alice', ip: '198.51.100.7' } });
    const missing = await attempt().catch((e: unknown) => e);
    expect(isMailwardError(missing, 'SECURITY_CODE_REQUIRED')).toBe(true);
    const wrong = await attempt('000000').catch((e: unknown) => e);
    expect(isMailwardError(wrong, 'SECURITY_CODE_WRONG')).toBe(true);
    expect((await forwarding.get(alice)).addresses).toEqual([]);
    await expect(attempt('246810')).resolves.toEqual({ addresses: ['carol@remote.example'], keepCopy: true });
  });

  it('forwards to a local and a remote address with an SRS sender, keeping a copy', async () => {
    await forwarding.set({ account: alice, addresses: ['bob@example.test', 'carol@remote.example'], keepCopy: true, by: { actor: 'u' } });
    await inbound.receive({ raw: RAW, mailFrom: 'sender@remote.example', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'remote.example' });
    const [own] = await inboxOf(alice);
    expect(own).not.toContain(FORWARDED_HEADER);
    const [forwarded] = await inboxOf(bob);
    expect(forwarded).toContain(`${FORWARDED_HEADER}: alice@example.test\r\n`);
    const queued = await f.store.outbound.list();
    expect(queued).toEqual([expect.objectContaining({ recipient: 'carol@remote.example', mail_from: 'SRS0=test=sender=remote.example@example.test', account_id: alice.id })]);
    expect((await f.store.blobs.get(queued[0]!.blob_id)).toString()).toContain(FORWARDED_HEADER);
    expect(kicks).toBe(1);
  });

  it('keeps no copy when told so', async () => {
    await forwarding.set({ account: alice, addresses: ['bob@example.test'], keepCopy: false, by: { actor: 'u' } });
    await inbound.receive({ raw: RAW, mailFrom: 'sender@remote.example', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'h' });
    expect(await inboxOf(alice)).toEqual([]);
    expect(await inboxOf(bob)).toHaveLength(1);
  });

  it('stops a loop: a copy that already passed through the account stays put', async () => {
    await forwarding.set({ account: alice, addresses: ['bob@example.test'], keepCopy: false, by: { actor: 'u' } });
    await forwarding.set({ account: bob, addresses: ['alice@example.test'], keepCopy: false, by: { actor: 'u' } });
    await inbound.receive({ raw: RAW, mailFrom: 'sender@remote.example', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'h' });
    // alice → bob; bob's copy names alice already, so delivering it back to alice is a loop: bob keeps it.
    const bobCopies = await inboxOf(bob);
    expect(bobCopies).toHaveLength(1);
    const looped = Buffer.from(bobCopies[0]!);
    await inbound.receive({ raw: looped, mailFrom: 'SRS0=x@example.test', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '127.0.0.1', helo: 'h' });
    expect(await inboxOf(alice)).toHaveLength(1);
  });

  it('stops forwarding a message with too many Received headers', async () => {
    await forwarding.set({ account: alice, addresses: ['bob@example.test'], keepCopy: false, by: { actor: 'u' } });
    const hops = Buffer.from('Received: from x by y; Mon, 1 Jan 2026 00:00:00 +0000\r\n'.repeat(MAX_RECEIVED_HEADERS));
    await inbound.receive({ raw: Buffer.concat([hops, RAW]), mailFrom: 's@remote.example', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'h' });
    expect(await inboxOf(alice)).toHaveLength(1);
    expect(await inboxOf(bob)).toHaveLength(0);
  });

  it('returns a bounce addressed to one of our SRS addresses to the original sender, with a null sender', async () => {
    await inbound.receive({ raw: RAW, mailFrom: '', recipients: [], returnTo: ['sender@remote.example'], remoteIp: '192.0.2.1', helo: 'h' });
    expect(await f.store.outbound.list()).toEqual([expect.objectContaining({ recipient: 'sender@remote.example', mail_from: '', account_id: null })]);
    expect(kicks).toBe(1);
  });

  it('keeps mail locally once the daily forwarding cap is reached', async () => {
    await f.policies.set('limits.forwarding.messages_per_day', 2);
    await forwarding.set({ account: alice, addresses: ['bob@example.test'], keepCopy: false, by: { actor: 'u' } });
    for (let i = 0; i < 3; i++) {
      await inbound.receive({ raw: RAW, mailFrom: 's@remote.example', recipients: [{ address: alice.address, accountId: alice.id }], remoteIp: '192.0.2.1', helo: 'h' });
    }
    expect(await inboxOf(bob)).toHaveLength(2);
    expect(await inboxOf(alice)).toHaveLength(1);
  });
});
