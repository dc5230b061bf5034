// POP3 TRANSACTION and UPDATE on a real `mailward serve` (plain text allowed): STAT LIST RETR DELE NOOP RSET TOP UIDL QUIT byte for byte, numbering, deletions only at QUIT, PIPELINING.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { IMAPWire } from '../support/imap-server.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { POP3Wire } from '../support/pop3-wire.js';
import { wireDeliver } from '../support/smtp-wire.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@example.test';
const DAVE = 'dave@example.test';
const ERIN = 'erin@example.test';
const EMPTY = 'empty@example.test';

/** A body with the lines dot-stuffing is about: a lone dot, dots at chunk-like offsets, no dot. */
const TRICKY_BODY = 'first\r\n.\r\n..\r\n.hidden\r\nmiddle . dot\r\n' + `${'y'.repeat(70)}\r\n`.repeat(2000) + '.\r\nend\r\n';

describe('POP3 TRANSACTION and UPDATE', () => {
  let t: POP3Server;

  beforeAll(async () => {
    t = await startPOP3Server({
      users: [ALICE, BOB, CAROL, DAVE, ERIN, EMPTY],
      env: { MAILWARD_POP3_ALLOW_PLAINTEXT_AUTH: 'true', MAILWARD_LISTENERS_IMAP_ENABLED: 'true', MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true' },
    });
    const five = (prefix: string): string[] => [1, 2, 3, 4, 5].map((n) => testMessage({ id: `${prefix}${n}`, to: `${prefix}@example.test` }));
    await t.seedMany({
      [ALICE]: [testMessage({ id: 'alice1' }), testMessage({ id: 'alice2', body: TRICKY_BODY }), testMessage({ id: 'alice3', body: 'no dots here\r\n' })],
      [BOB]: five('bob'),
      [CAROL]: five('carol'),
      [DAVE]: five('dave'),
      [ERIN]: five('erin'),
    });
  });
  afterAll(async () => {
    POP3Wire.destroyAll();
    await t.stop();
    removeTempDataDirs();
  });

  /** A signed-in session over the plain port (allowed by the config here). */
  async function login(address: string): Promise<POP3Wire> {
    const wire = await POP3Wire.connect(t.ports.pop3);
    await wire.reply();
    expect((await wire.command(`USER ${address}`)).ok).toBe(true);
    const pass = await wire.command(`PASS ${passwordOf(address)}`);
    expect(pass.ok, pass.line).toBe(true);
    return wire;
  }

  /** login(), retried while the lock of a just-closed session is still being released. */
  async function loginAfterClose(address: string): Promise<POP3Wire> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const wire = await POP3Wire.connect(t.ports.pop3);
      await wire.reply();
      await wire.command(`USER ${address}`);
      const pass = await wire.command(`PASS ${passwordOf(address)}`);
      if (pass.ok) return wire;
      wire.destroy();
      if (!pass.line.startsWith('-ERR [IN-USE]') || Date.now() > deadline) throw new Error(pass.line);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('with plain text allowed, CAPA before TLS offers USER, SASL and STLS together', async () => {
    const wire = await POP3Wire.connect(t.ports.pop3);
    await wire.reply();
    const capa = await wire.multi('CAPA');
    expect(capa.lines).toEqual(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN LOGIN', 'STLS', 'IMPLEMENTATION Mailward']);
    await wire.quit();
  });

  it('STAT and LIST give the stored sizes, and RETR sends exactly that many octets, byte for byte', async () => {
    const stored = t.mail.messages(ALICE);
    expect(stored).toHaveLength(3);
    const total = stored.reduce((sum, m) => sum + m.raw.length, 0);
    const wire = await login(ALICE);
    expect((await wire.command('STAT')).line).toBe(`+OK 3 ${total}`);
    const list = await wire.multi('LIST');
    expect(list.line).toBe(`+OK 3 messages (${total} octets)`);
    expect(list.lines).toEqual(stored.map((m, i) => `${i + 1} ${m.raw.length}`));
    expect((await wire.command('LIST 2')).line).toBe(`+OK 2 ${stored[1]!.raw.length}`);
    for (const [i, message] of stored.entries()) {
      const retr = await wire.multi(`RETR ${i + 1}`);
      expect(retr.line).toBe(`+OK ${message.raw.length} octets`);
      const text = retr.lines.map((l) => `${l}\r\n`).join('');
      expect(Buffer.from(text, 'latin1').equals(message.raw)).toBe(true);
    }
    // On the wire, every line of the tricky body that starts with a dot got one more, and the lone dot is "..".
    expect(wire.transcript).toContain('\r\nfirst\r\n..\r\n...\r\n..hidden\r\nmiddle . dot\r\n');
    expect(wire.transcript).toContain('\r\n..\r\nend\r\n.\r\n');
    await wire.quit();
  });

  it('LIST, RETR, DELE, TOP and UIDL with bad or out-of-range numbers answer -ERR and change nothing', async () => {
    let wire = await login(ALICE);
    const none = '-ERR No such message; numbers go from 1 to 3';
    for (const verb of ['LIST', 'RETR', 'DELE', 'UIDL']) {
      expect((await wire.command(`${verb} 4`)).line).toBe(none);
      expect((await wire.command(`${verb} 2147483647`)).line).toBe(none);
      expect((await wire.command(`${verb} 0`)).line).toBe('-ERR Invalid message number');
      expect((await wire.command(`${verb} -1`)).line).toBe('-ERR Invalid message number');
      expect((await wire.command(`${verb} 1x`)).line).toBe('-ERR Invalid message number');
      expect((await wire.command(`${verb} 99999999999`)).line).toBe('-ERR Invalid message number');
    }
    // Syntax errors count towards the bad-command limit (20): go on in a fresh session.
    await wire.quit();
    wire = await loginAfterClose(ALICE);
    expect((await wire.command('TOP 4 0')).line).toBe(none);
    expect((await wire.command('TOP 1')).line).toBe('-ERR TOP needs a message number and a line count');
    expect((await wire.command('TOP 1 -1')).line).toBe('-ERR Invalid line count');
    expect((await wire.command('TOP 0 1')).line).toBe('-ERR Invalid message number');
    expect((await wire.command('RETR')).line).toBe('-ERR RETR needs one message number');
    expect((await wire.command('DELE 1 2')).line).toBe('-ERR DELE needs one message number');
    expect((await wire.command('LIST 1 2')).line).toBe('-ERR LIST takes at most one message number');
    expect((await wire.command('UIDL 1 2')).line).toBe('-ERR UIDL takes at most one message number');
    expect((await wire.command('STAT 1')).line).toBe('-ERR STAT takes no arguments');
    expect((await wire.command('NOOP now')).line).toBe('-ERR NOOP takes no arguments');
    expect((await wire.command('RSET 1')).line).toBe('-ERR RSET takes no arguments');
    expect((await wire.command('QUIT now')).line).toBe('-ERR QUIT takes no arguments');
    expect((await wire.command('NOOP')).line).toBe('+OK');
    expect((await wire.command('STAT')).line).toMatch(/^\+OK 3 \d+$/);
    await wire.quit();
    expect(t.mail.messages(ALICE)).toHaveLength(3);
  });

  it('TOP sends the header, the blank line and n body lines; TOP 0 only the header', async () => {
    const raw = t.mail.messages(ALICE)[0]!.raw.toString('latin1');
    const [header, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
    const headerLines = header.split('\r\n');
    const bodyLines = body.replace(/\r\n$/, '').split('\r\n');
    const wire = await login(ALICE);
    const top0 = await wire.multi('TOP 1 0');
    expect(top0.line).toBe('+OK Top of message follows');
    expect(top0.lines).toEqual([...headerLines, '']);
    const top2 = await wire.multi('TOP 1 2');
    expect(top2.lines).toEqual([...headerLines, '', ...bodyLines.slice(0, 2)]);
    expect(bodyLines[1]).toBe('.a line starting with a dot');
    expect(wire.transcript).toContain('\r\n..a line starting with a dot\r\n.\r\n');
    const whole = await wire.multi('TOP 1 1000');
    expect(whole.lines).toEqual([...headerLines, '', ...bodyLines]);
    await wire.quit();
  });

  it('DELE marks; the marked message is gone from LIST, STAT and UIDL and refuses every command; RSET brings it back', async () => {
    const wire = await login(BOB);
    const before = await wire.command('STAT');
    expect((await wire.command('DELE 2')).line).toBe('+OK Message 2 marked deleted');
    const marked = '-ERR Message 2 is already marked deleted';
    for (const command of ['DELE 2', 'RETR 2', 'LIST 2', 'UIDL 2', 'TOP 2 0']) expect((await wire.command(command)).line).toBe(marked);
    const sizes = t.mail.messages(BOB).map((m) => m.raw.length);
    expect((await wire.command('STAT')).line).toBe(`+OK 4 ${sizes.reduce((a, b) => a + b) - sizes[1]!}`);
    expect((await wire.multi('LIST')).lines.map((l) => l.split(' ')[0])).toEqual(['1', '3', '4', '5']);
    expect((await wire.multi('UIDL')).lines.map((l) => l.split(' ')[0])).toEqual(['1', '3', '4', '5']);
    expect((await wire.command('RSET')).line).toBe(`+OK Maildrop has 5 messages (${sizes.reduce((a, b) => a + b)} octets)`);
    expect((await wire.command('STAT')).line).toBe(before.line);
    expect((await wire.multi('RETR 2')).ok).toBe(true);
    await wire.quit();
    expect(t.mail.messages(BOB)).toHaveLength(5);
  });

  it('QUIT removes the marked messages (UPDATE state); the next session numbers the rest from 1 with the same unique ids', async () => {
    const first = await login(CAROL);
    const uidlBefore = (await first.multi('UIDL')).lines.map((l) => l.split(' ')[1]);
    await first.command('DELE 1');
    await first.command('DELE 3');
    first.send('QUIT');
    expect((await first.reply()).line).toBe('+OK mx.example.test POP3 server signing off (3 messages left)');
    expect(await first.waitClosed()).toBe(true);
    expect(t.mail.messages(CAROL).map((m) => m.messageId)).toEqual(['<carol2@test.example>', '<carol4@test.example>', '<carol5@test.example>']);
    const second = await loginAfterClose(CAROL);
    const uidlAfter = await second.multi('UIDL');
    expect(uidlAfter.lines).toEqual([`1 ${uidlBefore[1]}`, `2 ${uidlBefore[3]}`, `3 ${uidlBefore[4]}`]);
    const retr = await second.multi('RETR 1');
    expect(retr.lines).toContain('Message-ID: <carol2@test.example>');
    for (let n = 1; n <= 3; n++) await second.command(`DELE ${n}`);
    second.send('QUIT');
    expect((await second.reply()).line).toBe('+OK mx.example.test POP3 server signing off (maildrop empty)');
    expect(t.mail.messages(CAROL)).toHaveLength(0);
  });

  it('a dropped connection deletes nothing and marks nothing \\Seen; QUIT sets \\Seen on what RETR sent whole', async () => {
    const dropped = await login(DAVE);
    for (let n = 1; n <= 5; n++) await dropped.command(`DELE ${n}`);
    await dropped.command('RSET');
    await dropped.multi('RETR 1');
    for (let n = 1; n <= 5; n++) await dropped.command(`DELE ${n}`);
    dropped.destroy();
    const again = await loginAfterClose(DAVE);
    expect((await again.command('STAT')).line).toMatch(/^\+OK 5 /);
    expect(t.mail.messages(DAVE).every((m) => !m.seen)).toBe(true);
    await again.multi('RETR 2');
    // TOP of a few lines is a preview, not a download.
    await again.multi('TOP 3 1');
    await again.quit();
    expect(t.mail.messages(DAVE).map((m) => m.seen)).toEqual([false, true, false, false, false]);
  });

  it('UIDL is UIDVALIDITY.UID: what IMAP reports for the same message (APPENDUID, UIDVALIDITY), stable across sessions', async () => {
    const imap = await IMAPWire.connect(t.imapPort);
    await imap.login(ERIN, passwordOf(ERIN));
    const appended = testMessage({ id: 'erin-imap', to: ERIN });
    const append = await imap.command(`APPEND INBOX {${Buffer.byteLength(appended)}+}\r\n${appended}`);
    const [, uidValidity, uid] = /OK \[APPENDUID (\d+) (\d+)\]/.exec(append) ?? [];
    expect(uid, append).toBeDefined();
    const examine = await imap.command('EXAMINE INBOX');
    expect(examine).toContain(`[UIDVALIDITY ${uidValidity}]`);
    expect(examine).toContain('* 6 EXISTS');
    imap.close();

    const wire = await login(ERIN);
    const all = await wire.multi('UIDL');
    expect(all.line).toBe('+OK Unique-id listing follows');
    expect(all.lines).toEqual(t.mail.messages(ERIN).map((m, i) => `${i + 1} ${uidValidity}.${m.uid}`));
    expect(all.lines[5]).toBe(`6 ${uidValidity}.${uid}`);
    expect((await wire.command('UIDL 6')).line).toBe(`+OK 6 ${uidValidity}.${uid}`);
    expect((await wire.multi('TOP 6 0')).lines).toContain('Message-ID: <erin-imap@test.example>');
    // RFC 1939 §7: 1 to 70 characters in 0x21–0x7E.
    for (const line of all.lines) expect(line.split(' ')[1]).toMatch(/^[\x21-\x7e]{1,70}$/);
    await wire.quit();
    const again = await loginAfterClose(ERIN);
    expect((await again.multi('UIDL')).lines).toEqual(all.lines);
    await again.quit();
  });

  it('mail arriving during a session is not shown until the next one', async () => {
    const wire = await login(ERIN);
    const before = (await wire.command('STAT')).line;
    const count = t.mail.messages(ERIN).length;
    const sent = await wireDeliver(t.mail.ports.smtp, { from: 'sender@remote.example', to: [ERIN], data: testMessage({ id: 'late', to: ERIN }) });
    expect(sent.final.code).toBe(250);
    expect(t.mail.messages(ERIN)).toHaveLength(count + 1);
    expect((await wire.command('STAT')).line).toBe(before);
    expect((await wire.command(`LIST ${count + 1}`)).line).toBe(`-ERR No such message; numbers go from 1 to ${count}`);
    await wire.quit();
    const next = await loginAfterClose(ERIN);
    expect((await next.command('STAT')).line).toMatch(new RegExp(`^\\+OK ${count + 1} `));
    expect((await next.multi(`TOP ${count + 1} 0`)).lines).toContain('Message-ID: <late@test.example>');
    await next.quit();
  });

  it('an empty maildrop', async () => {
    const wire = await login(EMPTY);
    expect((await wire.command('STAT')).line).toBe('+OK 0 0');
    expect(await wire.multi('LIST')).toMatchObject({ line: '+OK 0 messages (0 octets)', lines: [] });
    expect(await wire.multi('UIDL')).toMatchObject({ ok: true, lines: [] });
    expect((await wire.command('RETR 1')).line).toBe('-ERR No such message; the maildrop is empty');
    expect((await wire.command('RSET')).line).toBe('+OK Maildrop has 0 messages (0 octets)');
    wire.send('QUIT');
    expect((await wire.reply()).line).toBe('+OK mx.example.test POP3 server signing off (maildrop empty)');
  });

  it('PIPELINING: a whole session in one write gets every reply, in order', async () => {
    const wire = await POP3Wire.connect(t.ports.pop3);
    await wire.reply();
    const stored = t.mail.messages(ALICE);
    wire.write(['CAPA', `USER ${ALICE}`, `PASS ${passwordOf(ALICE)}`, 'STAT', 'LIST', 'RETR 3', 'UIDL 1', 'TOP 1 0', 'DELE 9', 'NOOP', 'RSET', 'QUIT', ''].join('\r\n'));
    expect((await wire.reply()).line).toBe('+OK Capability list follows');
    await wire.body();
    expect((await wire.reply()).line).toBe('+OK Send PASS');
    expect((await wire.reply()).line).toMatch(/^\+OK Maildrop has 3 messages/);
    expect((await wire.reply()).line).toMatch(/^\+OK 3 \d+$/);
    expect((await wire.reply()).ok).toBe(true);
    expect(await wire.body()).toHaveLength(3);
    expect((await wire.reply()).line).toBe(`+OK ${stored[2]!.raw.length} octets`);
    expect((await wire.body()).join('\r\n') + '\r\n').toBe(stored[2]!.raw.toString('latin1'));
    expect((await wire.reply()).line).toMatch(/^\+OK 1 \d+\.\d+$/);
    expect((await wire.reply()).ok).toBe(true);
    expect((await wire.body()).at(-1)).toBe('');
    expect((await wire.reply()).line).toBe('-ERR No such message; numbers go from 1 to 3');
    expect((await wire.reply()).line).toBe('+OK');
    expect((await wire.reply()).line).toMatch(/^\+OK Maildrop has 3 messages/);
    expect((await wire.reply()).line).toMatch(/^\+OK mx\.example\.test POP3 server signing off \(3 messages left\)$/);
    expect(await wire.waitClosed()).toBe(true);
  });

  it('a deep pipeline (1,500 commands in one write, far past what is queued before reading pauses) is answered in full and in order', async () => {
    const wire = await loginAfterClose(ALICE);
    const commands: string[] = [];
    for (let i = 0; i < 500; i++) commands.push('NOOP', `RETR ${(i % 3) + 1}`, `LIST ${(i % 3) + 1}`);
    wire.write(`${commands.join('\r\n')}\r\nSTAT\r\n`);
    const sizes = t.mail.messages(ALICE).map((m) => m.raw.length);
    for (let i = 0; i < 500; i++) {
      expect((await wire.reply()).line).toBe('+OK');
      expect((await wire.reply()).line).toBe(`+OK ${sizes[i % 3]} octets`);
      await wire.body();
      expect((await wire.reply()).line).toBe(`+OK ${(i % 3) + 1} ${sizes[i % 3]}`);
    }
    expect((await wire.reply()).line).toMatch(/^\+OK 3 \d+$/);
    wire.destroy();
  });

  it('a server shutdown ends live sessions with [SYS/TEMP] and deletes nothing they marked', async () => {
    const wire = await login(BOB);
    expect((await wire.command('DELE 1')).ok).toBe(true);
    const stopped = t.mail.stop();
    expect((await wire.reply()).line).toBe('-ERR [SYS/TEMP] Server shutting down; nothing was deleted');
    expect(await wire.waitClosed()).toBe(true);
    await stopped;
    expect(t.mail.messages(BOB)).toHaveLength(5);
    await t.mail.restart();
  });
});
