// IMAP transcripts on a real socket: greeting, capabilities, STARTTLS, LOGIN/AUTHENTICATE, SELECT/EXAMINE, IDLE, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

describe('IMAP session', () => {
  let t: IMAPTestServer;
  beforeAll(async () => {
    t = await startIMAPTestServer({ users: ['alice@example.test', 'bob@example.test', 'carol@example.test'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('greets with capabilities and logs in with LOGIN', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    const greeting = await wire.greeting();
    expect(greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS AUTH=PLAIN/);
    const login = await wire.command(`LOGIN ${ALICE} "${passwordOf(ALICE)}"`);
    expect(login).toMatch(/^t1 OK \[CAPABILITY IMAP4rev1 .*IDLE.*\] Logged in\r\n$/);
    const caps = await wire.command('CAPABILITY');
    expect(caps).toMatch(/^\* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL\+ .*CONDSTORE QRESYNC/);
    expect(caps).not.toContain('STARTTLS');
    wire.close();
  });

  it('answers a wrong password like an unknown user', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.greeting();
    const wrong = await wire.command(`LOGIN ${ALICE} "not-the-password"`);
    const unknown = await wire.command('LOGIN nobody@example.test "not-the-password"');
    expect(wrong.replace('t1', 'tX')).toBe(unknown.replace('t2', 'tX'));
    expect(wrong).toMatch(/^t1 NO \[AUTHENTICATIONFAILED\]/);
    wire.close();
  });

  it('AUTHENTICATE PLAIN with an initial response and as a challenge', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.greeting();
    const token = Buffer.from(`\0${ALICE}\0${passwordOf(ALICE)}`).toString('base64');
    expect(await wire.command(`AUTHENTICATE PLAIN ${token}`)).toMatch(/^t1 OK \[CAPABILITY /);
    wire.close();
    const second = await IMAPWire.connect(t.imapPort);
    await second.greeting();
    second.write('a AUTHENTICATE PLAIN\r\n');
    expect(await second.until(/^\+ ?\r\n/)).toBeTruthy();
    second.write(`${token}\r\n`);
    expect(await second.until(/a OK/)).toMatch(/^a OK \[CAPABILITY/);
    second.close();
  });

  it('AUTHENTICATE LOGIN and cancellation', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.greeting();
    wire.write('a AUTHENTICATE LOGIN\r\n');
    expect(await wire.until(/\+ VXNlcm5hbWU6\r\n/)).toBeTruthy();
    wire.write('*\r\n');
    expect(await wire.until(/a BAD/)).toMatch(/cancelled/);
    wire.write('b AUTHENTICATE LOGIN\r\n');
    await wire.until(/\+ VXNlcm5hbWU6\r\n/);
    wire.write(`${Buffer.from(ALICE).toString('base64')}\r\n`);
    await wire.until(/\+ UGFzc3dvcmQ6\r\n/);
    wire.write(`${Buffer.from(passwordOf(ALICE)).toString('base64')}\r\n`);
    expect(await wire.until(/b (OK|NO)/)).toMatch(/^b OK/);
    wire.close();
  });

  it('refuses LOGIN before STARTTLS when plain text is not allowed, and works after it', async () => {
    const strict = await startIMAPTestServer({ env: { MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'false' } });
    try {
      const wire = await IMAPWire.connect(strict.imapPort);
      expect(await wire.greeting()).toMatch(/STARTTLS LOGINDISABLED/);
      expect(await wire.command(`LOGIN ${ALICE} "${passwordOf(ALICE)}"`)).toMatch(/^t1 NO \[PRIVACYREQUIRED\]/);
      // Bytes pipelined after STARTTLS are clear text an attacker could inject: they must be dropped.
      wire.write('t2 STARTTLS\r\nt3 CAPABILITY\r\n');
      expect(await wire.until(/t2 OK/)).toMatch(/^t2 OK/);
      await wire.startTLS();
      const caps = await wire.command('CAPABILITY');
      expect(caps).not.toMatch(/^t3/m);
      expect(caps).toMatch(/AUTH=PLAIN/);
      expect(caps).not.toMatch(/LOGINDISABLED|STARTTLS/);
      expect(await wire.command(`LOGIN ${ALICE} "${passwordOf(ALICE)}"`)).toMatch(/ OK /);
      wire.close();
      const implicit = await IMAPWire.connect(strict.imapsPort, { tls: true });
      expect(await implicit.greeting()).toMatch(/AUTH=PLAIN/);
      implicit.close();
    } finally {
      await strict.close();
    }
  });

  it('selects INBOX with the RFC 3501 untagged data, and EXAMINE is read-only', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    const select = await wire.command('SELECT INBOX');
    expect(select).toMatch(/^\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)\r\n/);
    expect(select).toMatch(/\* OK \[PERMANENTFLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft \\\*\)\]/);
    expect(select).toMatch(/\* 0 EXISTS\r\n\* 0 RECENT\r\n/);
    expect(select).toMatch(/\* OK \[UIDVALIDITY \d+\]/);
    expect(select).toMatch(/\* OK \[UIDNEXT 1\]/);
    expect(select).toMatch(/t\d OK \[READ-WRITE\] SELECT completed/);
    const examine = await wire.command('EXAMINE inbox');
    expect(examine).toMatch(/^\* OK \[CLOSED\]/);
    expect(examine).toMatch(/OK \[READ-ONLY\] EXAMINE completed/);
    expect(await wire.command('SELECT Nowhere')).toMatch(/NO \[NONEXISTENT\]/);
    expect(await wire.command('CLOSE')).toMatch(/BAD/);
    wire.close();
  });

  it('ENABLE reports only what it turned on; IMAP4rev2 drops RECENT and UNSEEN from SELECT', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    expect(await wire.command('ENABLE CONDSTORE X-UNKNOWN')).toMatch(/^\* ENABLED CONDSTORE\r\nt\d OK/);
    expect(await wire.command('ENABLE CONDSTORE IMAP4rev2')).toMatch(/^\* ENABLED IMAP4rev2\r\n/);
    const select = await wire.command('SELECT INBOX');
    expect(select).not.toMatch(/RECENT|\[UNSEEN/);
    expect(select).toMatch(/\* OK \[HIGHESTMODSEQ \d+\]/);
    expect(await wire.command('ENABLE QRESYNC')).toMatch(/^\* ENABLED QRESYNC/);
    wire.close();
  });

  it('SELECT (CONDSTORE), UNSELECT and CHECK', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    expect(await wire.command('SELECT INBOX (CONDSTORE)')).toMatch(/HIGHESTMODSEQ/);
    expect(await wire.command('CHECK')).toMatch(/^t\d OK CHECK completed/);
    expect(await wire.command('UNSELECT')).toMatch(/^t\d OK/);
    expect(await wire.command('CHECK')).toMatch(/BAD/);
    expect(await wire.command('SELECT INBOX (BOGUS)')).toMatch(/BAD/);
    expect(await wire.command('SELECT INBOX (QRESYNC (1 1))')).toMatch(/BAD ENABLE QRESYNC first/);
    wire.close();
  });

  it('SELECT with QRESYNC reports what vanished and changed since the client last knew', async () => {
    const accountId = t.accounts.get('carol@example.test') ?? (await t.app.accounts.addUser({ address: 'carol@example.test', password: passwordOf('carol@example.test') })).id;
    const raw = (n: number) => Buffer.from(`From: x@example.net\r\nSubject: q${n}\r\n\r\nbody ${n}\r\n`);
    for (let n = 1; n <= 4; n++) await t.app.mail.deliver({ raw: raw(n), targets: [{ accountId }] });
    const inbox = await t.app.mailboxes.get(accountId, 'INBOX');
    const known = (await t.app.mailboxes.byId(inbox.id))!.highest_modseq;
    await t.app.mailboxes.storeFlags(inbox.id, [2], { mode: 'add', flags: { flagged: true } });
    await t.app.mailboxes.remove(inbox.id, [3]);
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login('carol@example.test', passwordOf('carol@example.test'));
    await wire.command('ENABLE QRESYNC');
    const select = await wire.command(`SELECT INBOX (QRESYNC (${inbox.uid_validity} ${known} 1:4))`);
    expect(select).toMatch(/\* VANISHED \(EARLIER\) 3\r\n/);
    expect(select).toMatch(/\* 2 FETCH \(UID 2 FLAGS \(\\Flagged(?: \\Recent)?\) MODSEQ \(\d+\)\)/);
    expect(select).not.toMatch(/UID 1 FLAGS/);
    wire.close();
  });

  it('reports a message delivered by SMTP to an IDLE client within a second', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    await wire.command('SELECT INBOX');
    wire.write('i IDLE\r\n');
    await wire.until(/\+ idling\r\n/);
    const started = Date.now();
    await t.app.mail.deliver({ raw: Buffer.from('From: b@example.net\r\nSubject: hi\r\n\r\nhello\r\n'), targets: [{ accountId: t.accounts.get(ALICE)! }] });
    const update = await wire.until(/\* \d+ EXISTS\r\n/, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(update).toMatch(/\* 1 EXISTS\r\n\* 1 RECENT\r\n/);
    wire.write('DONE\r\n');
    expect(await wire.until(/i OK/)).toMatch(/i OK IDLE terminated/);
    wire.close();
  });

  it('answers bad input with BAD and keeps going', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.greeting();
    // An empty line is no command: ignored, and the connection goes on.
    wire.write('\r\n');
    expect(await wire.command('FROB')).toMatch(/BAD Unknown command/);
    expect(await wire.command('SELECT INBOX')).toMatch(/BAD Log in first/);
    expect(await wire.command('LOGIN onlyone')).toMatch(/BAD/);
    wire.write('x1 LOGIN {99999}\r\n');
    expect(await wire.until(/x1 NO/)).toMatch(/TOOBIG/);
    expect(await wire.command('NOOP')).toMatch(/OK/);
    wire.write('x2 LOGOUT\r\n');
    expect(await wire.until(/x2 OK/)).toMatch(/\* BYE/);
    wire.close();
  });

  it('closes live connections within a second when the account is disabled', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.login('bob@example.test', passwordOf('bob@example.test'));
    await wire.command('SELECT INBOX');
    const started = Date.now();
    await t.app.security.accountSecurity.disable({ address: 'bob@example.test', reason: 'admin', by: { actor: 'admin:test' } });
    const bye = await wire.until(/\* BYE/, 1500);
    expect(bye).toMatch(/\* BYE \[UNAVAILABLE\] Session ended/);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
