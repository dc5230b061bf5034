// The POP3 maildrop beside everything else on a real `mailward serve`: the lock ([IN-USE]) while IMAP works on the same INBOX, IMAP expunges mid-session, the daily download limit, revocation from the CLI within a second, timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { IMAPWire } from '../support/imap-server.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { POP3Wire } from '../support/pop3-wire.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@example.test';
const DAVE = 'dave@example.test';
const FRANK = 'frank@example.test';
const GINA = 'gina@example.test';
/** limits.pop3.messages_per_day is 3 in this domain. */
const LIM = 'lim@limited.test';
const TOPPER = 'topper@limited.test';
const IN_USE = '-ERR [IN-USE] The maildrop is in use by another POP3 session; try again later.';
const LOGIN_TIMEOUT_SECONDS = 5;

const messages = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => testMessage({ id: `${prefix}${i + 1}` }));

describe('POP3 maildrop lock, IMAP beside it, limits and revocation', () => {
  let t: POP3Server;
  /** Opened in beforeAll and left silent before login: the last test checks it timed out. */
  let idle: POP3Wire;
  let idleSince: number;

  beforeAll(async () => {
    t = await startPOP3Server({
      users: [ALICE, BOB, CAROL, DAVE, FRANK, GINA, LIM, TOPPER],
      policies: [{ key: 'limits.pop3.messages_per_day', value: 3, domain: 'limited.test' }],
      env: {
        MAILWARD_POP3_ALLOW_PLAINTEXT_AUTH: 'true',
        MAILWARD_POP3_LOGIN_TIMEOUT_SECONDS: String(LOGIN_TIMEOUT_SECONDS),
        MAILWARD_LISTENERS_IMAP_ENABLED: 'true',
        MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
      },
    });
    await t.seedMany({ [ALICE]: messages('alice', 3), [BOB]: messages('bob', 2), [CAROL]: messages('carol', 3), [DAVE]: messages('dave', 3), [FRANK]: messages('frank', 3), [GINA]: messages('gina', 2), [LIM]: messages('lim', 5), [TOPPER]: messages('topper', 5) });
    idle = await POP3Wire.connect(t.ports.pop3);
    idleSince = Date.now();
    await idle.reply();
  });
  afterAll(async () => {
    POP3Wire.destroyAll();
    await t.stop();
    removeTempDataDirs();
  });

  async function attempt(address: string): Promise<{ wire: POP3Wire; pass: string }> {
    const wire = await POP3Wire.connect(t.ports.pop3);
    await wire.reply();
    await wire.command(`USER ${address}`);
    return { wire, pass: (await wire.command(`PASS ${passwordOf(address)}`)).line };
  }

  async function login(address: string): Promise<POP3Wire> {
    const { wire, pass } = await attempt(address);
    expect(pass).toMatch(/^\+OK Maildrop has/);
    return wire;
  }

  async function imapSession(address: string): Promise<IMAPWire> {
    const imap = await IMAPWire.connect(t.imapPort);
    expect(await imap.login(address, passwordOf(address))).toMatch(/^t1 OK/m);
    return imap;
  }

  it('a second POP3 session on the same maildrop gets [IN-USE] and stays in AUTHORIZATION; other accounts are not affected', async () => {
    const first = await login(ALICE);
    const second = await attempt(ALICE);
    expect(second.pass).toBe(IN_USE);
    // Not a failed sign-in: the connection is open, still before login, and may try again.
    expect((await second.wire.command('STAT')).line).toBe('-ERR STAT is not valid before login');
    const token = Buffer.from(`\0${ALICE}\0${passwordOf(ALICE)}`).toString('base64');
    expect((await second.wire.command(`AUTH PLAIN ${token}`)).line).toBe(IN_USE);
    const bob = await login(BOB);
    await bob.quit();
    await first.command('DELE 1');
    await first.quit();
    // QUIT released the lock: the waiting client gets in and sees the deletion.
    expect((await second.wire.command(`AUTH PLAIN ${token}`)).line).toMatch(/^\+OK Maildrop has 2 messages/);
    await second.wire.quit();
  });

  it('a dropped connection releases the lock at once', async () => {
    const first = await login(ALICE);
    first.destroy();
    const deadline = Date.now() + 1000;
    let pass: string;
    do {
      const next = await attempt(ALICE);
      pass = next.pass;
      next.wire.destroy();
    } while (pass === IN_USE && Date.now() < deadline);
    expect(pass).toMatch(/^\+OK Maildrop has 2 messages/);
  });

  it('IMAP keeps working on the INBOX a POP3 session holds, and what it adds shows in the next POP3 session', async () => {
    const pop = await login(BOB);
    const stat = (await pop.command('STAT')).line;
    const imap = await imapSession(BOB);
    expect(await imap.command('SELECT INBOX')).toMatch(/\* 2 EXISTS/);
    const added = testMessage({ id: 'bob-imap' });
    expect(await imap.command(`APPEND INBOX {${Buffer.byteLength(added)}+}\r\n${added}`)).toMatch(/OK \[APPENDUID \d+ 3\]/);
    expect(await imap.command('STATUS INBOX (MESSAGES)')).toMatch(/\* STATUS INBOX \(MESSAGES 3\)/);
    // The POP3 session's view is fixed at login (RFC 1939 §5).
    expect((await pop.command('STAT')).line).toBe(stat);
    expect((await pop.multi('RETR 2')).lines).toContain('Message-ID: <bob2@test.example>');
    await pop.quit();
    const next = await login(BOB);
    expect((await next.multi('TOP 3 0')).lines).toContain('Message-ID: <bob-imap@test.example>');
    await next.quit();
    imap.close();
  });

  it('a message IMAP expunges during the session: its number stays, reading it says why, deleting it and QUIT succeed', async () => {
    // Appended by IMAP with \Deleted, so that IMAP's CLOSE expunges it while POP3 has it as message 4.
    const imap = await imapSession(CAROL);
    const doomed = testMessage({ id: 'carol-doomed' });
    expect(await imap.command(`APPEND INBOX (\\Deleted) {${Buffer.byteLength(doomed)}+}\r\n${doomed}`)).toMatch(/OK \[APPENDUID/);
    const pop = await login(CAROL);
    expect((await pop.multi('TOP 4 0')).lines).toContain('Message-ID: <carol-doomed@test.example>');
    const listBefore = await pop.multi('LIST');
    expect(await imap.command('SELECT INBOX')).toMatch(/\* 4 EXISTS/);
    expect(await imap.command('CLOSE')).toMatch(/^t\d+ OK/m);
    expect(t.mail.messages(CAROL).map((m) => m.messageId)).not.toContain('<carol-doomed@test.example>');

    const gone = '-ERR Message 4 was removed by another client (IMAP or webmail) during this session';
    expect((await pop.command('RETR 4')).line).toBe(gone);
    expect((await pop.command('TOP 4 0')).line).toBe(gone);
    expect((await pop.multi('LIST')).lines).toEqual(listBefore.lines);
    expect((await pop.multi('RETR 1')).lines).toContain('Message-ID: <carol1@test.example>');
    expect((await pop.command('DELE 4')).line).toBe('+OK Message 4 marked deleted');
    expect((await pop.command('DELE 2')).line).toBe('+OK Message 2 marked deleted');
    pop.send('QUIT');
    expect((await pop.reply()).line).toBe('+OK mx.example.test POP3 server signing off (2 messages left)');
    expect(t.mail.messages(CAROL).map((m) => m.messageId)).toEqual(['<carol1@test.example>', '<carol3@test.example>']);
    // RETR 1 was a whole download: \Seen, as IMAP shows it.
    expect(t.mail.messages(CAROL)[0]!.seen).toBe(true);
    imap.close();
  });

  it('every RETR counts into limits.pop3.messages_per_day; crossing it refuses the message, disables the account and ends the session', async () => {
    const pop = await login(LIM);
    await pop.command('DELE 5');
    // Previews are not downloads.
    for (let i = 0; i < 5; i++) expect((await pop.multi('TOP 1 1')).ok).toBe(true);
    for (let n = 1; n <= 3; n++) expect((await pop.multi(`RETR ${n}`)).ok).toBe(true);
    expect((await pop.command('RETR 4')).line).toBe('-ERR [SYS/PERM] Daily download limit reached (3 messages); the account is now disabled');
    expect((await pop.reply({ timeoutMs: 1500 })).line).toBe('-ERR [AUTH] Session ended by the server (account disabled); nothing was deleted');
    expect(await pop.waitClosed(1000)).toBe(true);
    // Ended without QUIT: the DELE was not applied.
    expect(t.mail.messages(LIM)).toHaveLength(5);
    const show = await t.mail.cli(['user', 'show', LIM, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ status: 'disabled' });
    expect(show.stdout).toContain('limits.pop3.messages_per_day');
    const again = await attempt(LIM);
    expect(again.pass).toBe('-ERR [AUTH] Your account is disabled.');
    again.wire.destroy();
  });

  it('a TOP that sends the whole message counts as a download too, even when its line count is exactly the body\'s', async () => {
    const pop = await login(TOPPER);
    const bodyLines = (raw: Buffer): number => raw.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '').split('\r\n').length;
    const stored = t.mail.messages(TOPPER);
    // One line short of the body is a preview and does not count.
    expect((await pop.multi(`TOP 1 ${bodyLines(stored[0]!.raw) - 1}`)).ok).toBe(true);
    expect((await pop.multi(`TOP 1 ${bodyLines(stored[0]!.raw)}`)).ok).toBe(true);
    expect((await pop.multi('TOP 2 100000')).ok).toBe(true);
    expect((await pop.multi(`TOP 3 ${bodyLines(stored[2]!.raw)}`)).ok).toBe(true);
    // Three downloads so far: the session goes on.
    expect((await pop.command('NOOP')).line).toBe('+OK');
    // The fourth whole TOP crosses the limit: counted after the fact, it disables the account.
    await pop.multi('TOP 4 100000');
    expect((await pop.reply({ timeoutMs: 1500 })).line).toMatch(/^-ERR \[AUTH\] Session ended by the server \(account disabled\)/);
    expect(await pop.waitClosed(1000)).toBe(true);
  });

  it('`mailward user disable` from the CLI drops a live POP3 session within a second, deleting nothing', async () => {
    const pop = await login(DAVE);
    for (let n = 1; n <= 3; n++) await pop.command(`DELE ${n}`);
    const result = await t.mail.cli(['user', 'disable', DAVE, '--reason', 'laptop stolen']);
    expect(result.code, result.stderr).toBe(0);
    const changed = Date.now();
    // The server learns of changes by another process from the store, polled every second.
    const ended = await pop.reply({ timeoutMs: 1500 });
    expect(ended.line).toBe('-ERR [AUTH] Session ended by the server (account disabled); nothing was deleted');
    expect(await pop.waitClosed(500)).toBe(true);
    expect(Date.now() - changed).toBeLessThan(1500);
    // The three messages are all there, unread; beside them, the "account disabled" security alert.
    const kept = t.mail.messages(DAVE).filter((m) => !m.subject.startsWith('Security alert:'));
    expect(kept).toHaveLength(3);
    expect(kept.every((m) => !m.seen)).toBe(true);
    expect(t.mail.messages(DAVE).map((m) => m.subject)).toContain('Security alert: Your account was disabled');
  });

  it('closing POP3 for the account (`user services --pop3 off`) drops the live session too, and sign-in then says so', async () => {
    const pop = await login(FRANK);
    const result = await t.mail.cli(['user', 'services', FRANK, '--pop3', 'off']);
    expect(result.code, result.stderr).toBe(0);
    const changed = Date.now();
    expect((await pop.reply({ timeoutMs: 1500 })).line).toBe('-ERR [AUTH] Session ended by the server (service closed); nothing was deleted');
    expect(Date.now() - changed).toBeLessThan(1500);
    const again = await attempt(FRANK);
    expect(again.pass).toBe('-ERR [AUTH] POP3 is closed for this account.');
    again.wire.destroy();
    // IMAP was not closed.
    (await imapSession(FRANK)).close();
  });

  it('app passwords: one scoped to IMAP is refused for POP3, one for POP3 signs in, and revoking it ends the session', async () => {
    const create = async (protocols: string): Promise<{ id: number; secret: string }> => {
      const result = await t.mail.cli(['user', 'app-passwords', GINA, 'add', `mail app ${protocols}`, '--protocols', protocols, '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { id: number; secret: string };
    };
    const imapOnly = await create('imap');
    const pop3 = await create('pop3');
    const plain = (secret: string): string => `AUTH PLAIN ${Buffer.from(`\0${GINA}\0${secret}`).toString('base64')}`;
    const refused = await POP3Wire.connect(t.ports.pop3);
    await refused.reply();
    expect((await refused.command(plain(imapOnly.secret))).line).toBe('-ERR [AUTH] This app password is not allowed for POP3.');
    refused.destroy();

    const wire = await POP3Wire.connect(t.ports.pop3);
    await wire.reply();
    // The two messages, and the "app password created" security alerts mailed to the INBOX.
    const before = t.mail.messages(GINA).length;
    expect(t.mail.messages(GINA).filter((m) => !m.subject.startsWith('Security alert:'))).toHaveLength(2);
    expect((await wire.command(plain(pop3.secret))).line).toMatch(new RegExp(`^\\+OK Maildrop has ${before} messages`));
    await wire.command('DELE 1');
    const result = await t.mail.cli(['user', 'app-passwords', GINA, 'revoke', String(pop3.id)]);
    expect(result.code, result.stderr).toBe(0);
    const changed = Date.now();
    expect((await wire.reply({ timeoutMs: 1500 })).line).toBe('-ERR [AUTH] Session ended by the server (app password revoked); nothing was deleted');
    expect(Date.now() - changed).toBeLessThan(1500);
    expect(t.mail.messages(GINA)).toHaveLength(before);
    // The account password still works.
    (await login(GINA)).destroy();
  });

  it('closes a connection that does not sign in within pop3.login_timeout_seconds with [SYS/TEMP]', async () => {
    const line = await idle.reply({ timeoutMs: LOGIN_TIMEOUT_SECONDS * 1000 + 3000 });
    expect(line.line).toBe('-ERR [SYS/TEMP] Login timeout');
    expect(Date.now() - idleSince).toBeGreaterThanOrEqual(LOGIN_TIMEOUT_SECONDS * 1000 - 100);
    expect(await idle.waitClosed(1000)).toBe(true);
  });
});
