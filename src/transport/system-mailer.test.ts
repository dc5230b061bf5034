// System mail over a real store: a proper RFC 5322 notice, stored in a local INBOX or queued for a remote address, and security alerts arriving that way.
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Account } from '../accounts/index.js';
import { describeOnEveryDialect } from '../../test/support/every-dialect.js';
import { FIXTURE_DOMAIN, securityFixture } from '../../test/support/security-fixture.js';
import type { RecoveryServices } from '../../test/support/recovery-fixture.js';
import { recordingMailer, recoveryServices, verifyAlternate } from '../../test/support/recovery-fixture.js';
import { INBOX } from '../mailbox/default-mailboxes.js';
import { MailStore } from '../mailbox/mail-store.js';
import { RecipientResolver } from './recipients.js';
import { SystemMailer } from './system-mailer.js';
import { codeOf } from '../../test/support/outcomes.js';

const HOSTNAME = 'mail.example.test';
const ALICE = `alice@${FIXTURE_DOMAIN}`;
const ALICE_REMOTE = 'alice@elsewhere.test';

describeOnEveryDialect('system mail', securityFixture(), (f) => {
  let mail: MailStore;
  let mailer: SystemMailer;
  let kicks: number;
  let alice: Account;
  let services: RecoveryServices | undefined;

  beforeEach(async () => {
    kicks = 0;
    mail = new MailStore({ store: f.store, events: f.events, now: f.clock });
    mailer = new SystemMailer({ mail, store: f.store, recipients: new RecipientResolver(f.accounts), hostname: HOSTNAME, now: f.clock, onEnqueued: () => kicks++ });
    alice = await f.addUser('alice');
  });
  afterEach(async () => {
    await services?.alerts.stop();
    services = undefined;
  });

  /** The INBOX of an account, read back from the store and parsed. */
  async function inbox(account: Account): Promise<ParsedMail[]> {
    const mailbox = await f.store.mail.findMailbox(account.id, INBOX);
    if (!mailbox) return [];
    const rows = await f.store.mail.listMessages(mailbox.id);
    return Promise.all(rows.map(async (row) => simpleParser(await f.store.blobs.get(row.blob_id))));
  }

  it('writes a proper notice: From Mailward Security, Date, Message-ID, Auto-Submitted, UTF-8 text', async () => {
    const raw = await mailer.compose({ to: ALICE, subject: 'Grüße: 新しいサインイン', text: 'Line one — ünïcödé\nLine two' });
    expect(raw.toString('latin1')).toMatch(/\r\n\r\n/);
    expect(raw.toString('latin1')).not.toMatch(/[^\r]\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: 'Mailward Security', address: `postmaster@${HOSTNAME}` }]);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.date?.getTime()).toBe(Math.floor(f.clock() / 1000) * 1000);
    expect(parsed.messageId).toMatch(new RegExp(`^<[0-9a-f]+@${HOSTNAME.replace(/\./g, '\\.')}>$`));
    expect(parsed.subject).toBe('Grüße: 新しいサインイン');
    expect(parsed.text?.trim()).toBe('Line one — ünïcödé\nLine two');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'text/plain', params: { charset: 'utf-8' } });
    expect(parsed.headers.get('mime-version')).toBe('1.0');
  });

  it("delivers to a local account's INBOX directly, also through an alias", async () => {
    await f.accounts.addAlias(`alice.alias@${FIXTURE_DOMAIN}`, ALICE);
    await mailer.send({ to: ALICE, subject: 'first', text: 'one' });
    await mailer.send({ to: `alice.alias@${FIXTURE_DOMAIN}`, subject: 'second', text: 'two' });
    expect((await inbox(alice)).map((m) => m.subject)).toEqual(['first', 'second']);
    expect(await f.store.outbound.list()).toEqual([]);
    expect(kicks).toBe(0);
  });

  it('queues a remote address with the null sender, for the running worker', async () => {
    await mailer.send({ to: ALICE_REMOTE, subject: 'away', text: 'queued' });
    const rows = await f.store.outbound.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recipient: ALICE_REMOTE, domain: 'elsewhere.test', mail_from: '', account_id: null, status: 'queued' });
    const parsed = await simpleParser(await f.store.blobs.get(rows[0]!.blob_id));
    expect(parsed.subject).toBe('away');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(kicks).toBe(1);
    expect(await inbox(alice)).toEqual([]);
  });

  it('refuses unknown local names and malformed addresses', async () => {
    expect(await codeOf(mailer.send({ to: `nobody@${FIXTURE_DOMAIN}`, subject: 'x', text: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(mailer.send({ to: 'not an address', subject: 'x', text: 'x' }))).toBe('INVALID_ADDRESS');
  });

  it('a security alert lands in the INBOX and is queued for a remote alternate email', async () => {
    const recording = recordingMailer();
    await verifyAlternate(recoveryServices(f, { mailer: recording }), recording, alice, ALICE_REMOTE);
    services = recoveryServices(f, { mailer });
    services.alerts.start();
    await f.security.accountSecurity.changePassword({
      account: alice,
      current: 'Tr0ub4dor&3-staple',
      next: 'Correct-Horse-Battery-9',
      confirm: 'Correct-Horse-Battery-9',
      by: { actor: `user:${ALICE}`, ip: '203.0.113.10' },
    });
    await f.settle();
    await services.alerts.idle();

    const [notice, ...more] = await inbox(alice);
    expect(more).toEqual([]);
    expect(notice!.subject).toBe('Security alert: Your password was changed');
    expect(notice!.text).toContain(`The password was changed for ${ALICE}.`);
    expect(notice!.headers.get('auto-submitted')).toBe('auto-generated');
    const queued = await f.store.outbound.list();
    expect(queued.map((r) => [r.recipient, r.mail_from])).toEqual([[ALICE_REMOTE, '']]);
    expect((await simpleParser(await f.store.blobs.get(queued[0]!.blob_id))).subject).toBe('Security alert: Your password was changed');
    expect(await services.alerts.unreadCount(alice.id)).toBe(1);
  });
});
