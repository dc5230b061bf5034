// POP3 AUTHORIZATION state on a real `mailward serve` with the default (no plain text before TLS): greeting, CAPA, STLS, USER/PASS, AUTH PLAIN/LOGIN with SASL-IR, RFC 3206 codes, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { POP3Wire } from '../support/pop3-wire.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const EVE = 'eve@example.test';
const MAX_PER_IP = 8;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('POP3 AUTHORIZATION state', () => {
  let t: POP3Server;

  beforeAll(async () => {
    t = await startPOP3Server({ users: [ALICE, BOB, EVE], env: { MAILWARD_POP3_MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP) } });
    await t.seedMany({ [ALICE]: [testMessage({ id: 'a1' }), testMessage({ id: 'a2' })] });
  });
  afterAll(async () => {
    POP3Wire.destroyAll();
    await t.stop();
    removeTempDataDirs();
  });

  /** A connection past the greeting: plain on the STLS port, or implicit TLS. */
  async function open(options: { implicitTLS?: boolean } = {}): Promise<POP3Wire> {
    const wire = await POP3Wire.connect(options.implicitTLS ? t.ports.pop3s : t.ports.pop3, options);
    const greeting = await wire.reply();
    expect(greeting.ok).toBe(true);
    return wire;
  }

  it('greets without an APOP timestamp and answers APOP as an unknown command', async () => {
    const wire = await POP3Wire.connect(t.ports.pop3);
    const greeting = await wire.reply();
    expect(greeting.line).toBe('+OK mx.example.test Mailward POP3 server ready');
    // RFC 1939 §7: a greeting with <...@...> is what tells a client APOP is offered.
    expect(greeting.line).not.toMatch(/<[^>]*>/);
    const apop = await wire.command(`APOP ${ALICE} c4c9334bac560ecc979e58001b3e22fb`);
    expect(apop.line).toBe('-ERR Unknown command: APOP');
    await wire.quit();
  });

  it('CAPA before TLS offers STLS but no way to send a password', async () => {
    const wire = await open();
    const capa = await wire.multi('CAPA');
    expect(capa.line).toBe('+OK Capability list follows');
    expect(capa.lines).toEqual(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'STLS', 'IMPLEMENTATION Mailward']);
    await wire.quit();
  });

  it('refuses USER, PASS and AUTH before TLS with [AUTH], and the AUTH probe too', async () => {
    const wire = await open();
    const refused = '-ERR [AUTH] Sign-in without TLS is disabled; use STLS or port 995 first';
    expect((await wire.command(`USER ${ALICE}`)).line).toBe(refused);
    expect((await wire.command(`PASS ${passwordOf(ALICE)}`)).line).toBe(refused);
    expect((await wire.command(`AUTH PLAIN ${b64(`\0${ALICE}\0${passwordOf(ALICE)}`)}`)).line).toBe(refused);
    expect((await wire.command('AUTH LOGIN')).line).toBe(refused);
    expect((await wire.command('AUTH')).line).toBe(refused);
    // Still in AUTHORIZATION: nothing got through.
    expect((await wire.command('STAT')).line).toBe('-ERR STAT is not valid before login');
    await wire.quit();
  });

  it('STLS upgrades the connection; then CAPA offers USER and SASL and no STLS', async () => {
    const wire = await open();
    const stls = await wire.startTLS();
    expect(stls.line).toBe('+OK Begin TLS negotiation');
    const capa = await wire.multi('CAPA');
    expect(capa.lines).toEqual(['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'USER', 'SASL PLAIN LOGIN', 'IMPLEMENTATION Mailward']);
    expect((await wire.command('STLS')).line).toBe('-ERR TLS is already active');
    expect((await wire.command(`USER ${ALICE}`)).line).toBe('+OK Send PASS');
    expect((await wire.command(`PASS ${passwordOf(ALICE)}`)).line).toMatch(/^\+OK Maildrop has 2 messages \(\d+ octets\)$/);
    await wire.quit();
  });

  it('drops commands pipelined behind STLS in plain text (CVE-2011-0411)', async () => {
    const wire = await open();
    // One segment: STLS and a USER the attacker injected before the handshake.
    wire.write(`STLS\r\nUSER ${ALICE}\r\n`);
    expect((await wire.reply()).line).toBe('+OK Begin TLS negotiation');
    await wire.handshake();
    // Had the USER survived, PASS would sign in; it must ask for USER first.
    expect((await wire.command(`PASS ${passwordOf(ALICE)}`)).line).toBe('-ERR Send USER first');
    await wire.quit();
  });

  it('port 995-style implicit TLS: CAPA has USER and SASL, STLS is refused, USER/PASS works', async () => {
    const wire = await open({ implicitTLS: true });
    const capa = await wire.multi('CAPA');
    expect(capa.lines).toContain('USER');
    expect(capa.lines).toContain('SASL PLAIN LOGIN');
    expect(capa.lines).not.toContain('STLS');
    expect((await wire.command('STLS')).line).toBe('-ERR TLS is already active');
    expect((await wire.command(`USER ${ALICE}`)).ok).toBe(true);
    expect((await wire.command(`PASS ${passwordOf(ALICE)}`)).line).toMatch(/^\+OK Maildrop has 2 messages/);
    await wire.quit();
  });

  it('a wrong password and an unknown user get the same [AUTH] answer; PASS needs a fresh USER; three failures close', async () => {
    const wire = await open({ implicitTLS: true });
    expect((await wire.command('PASS whatever')).line).toBe('-ERR Send USER first');
    await wire.command(`USER ${BOB}`);
    const wrong = await wire.command('PASS not-the-password');
    await wire.command('USER nobody@example.test');
    const unknown = await wire.command('PASS not-the-password');
    expect(wrong.line).toBe('-ERR [AUTH] Verification failure. Please check the username and password you entered.');
    expect(unknown.line).toBe(wrong.line);
    // RFC 1939 §7: after a failed PASS the name is forgotten.
    expect((await wire.command(`PASS ${passwordOf(BOB)}`)).line).toBe('-ERR Send USER first');
    await wire.command(`USER ${BOB}`);
    expect((await wire.command('PASS third-wrong-one')).line).toMatch(/^-ERR \[AUTH\]/);
    expect(await wire.waitClosed()).toBe(true);
  });

  it('AUTH PLAIN with an initial response, and as a challenge with an empty "+ "', async () => {
    const token = b64(`\0${ALICE}\0${passwordOf(ALICE)}`);
    const first = await open({ implicitTLS: true });
    expect((await first.command(`AUTH PLAIN ${token}`)).line).toMatch(/^\+OK Maildrop has 2 messages/);
    await first.quit();
    const second = await open({ implicitTLS: true });
    expect((await second.command('AUTH PLAIN')).line).toBe('+ ');
    expect((await second.command(token)).line).toMatch(/^\+OK Maildrop has 2 messages/);
    await second.quit();
  });

  it('AUTH LOGIN with and without the user name as initial response', async () => {
    const first = await open({ implicitTLS: true });
    expect((await first.command('AUTH LOGIN')).line).toBe(`+ ${b64('Username:')}`);
    expect((await first.command(b64(ALICE))).line).toBe(`+ ${b64('Password:')}`);
    expect((await first.command(b64(passwordOf(ALICE)))).line).toMatch(/^\+OK Maildrop has 2 messages/);
    await first.quit();
    const second = await open({ implicitTLS: true });
    expect((await second.command(`AUTH LOGIN ${b64(ALICE)}`)).line).toBe(`+ ${b64('Password:')}`);
    expect((await second.command(b64(passwordOf(ALICE)))).ok).toBe(true);
    await second.quit();
  });

  it('AUTH: the mechanism list, cancel, bad base64, malformed PLAIN, another authzid, unknown mechanism', async () => {
    const wire = await open({ implicitTLS: true });
    const probe = await wire.multi('AUTH');
    expect(probe.lines).toEqual(['PLAIN', 'LOGIN']);
    await wire.command('AUTH PLAIN');
    expect((await wire.command('*')).line).toBe('-ERR Authentication cancelled');
    await wire.command('AUTH LOGIN');
    expect((await wire.command('not base64!')).line).toBe('-ERR The response is not valid base64');
    expect((await wire.command(`AUTH PLAIN ${b64('only-two\0parts')}`)).line).toBe('-ERR Malformed PLAIN response');
    expect((await wire.command(`AUTH PLAIN ${b64(`${BOB}\0${ALICE}\0${passwordOf(ALICE)}`)}`)).line).toBe('-ERR [AUTH] Authorization identity not allowed');
    expect((await wire.command('AUTH CRAM-MD5')).line).toBe('-ERR Unsupported SASL mechanism; use one of PLAIN LOGIN');
    expect((await wire.command('AUTH PLAIN not*base64')).line).toBe('-ERR The initial response is not base64');
    expect((await wire.command('AUTH bad/mech')).line).toBe('-ERR Invalid SASL mechanism name');
    // None of these was a sign-in failure that closes the connection, and the session still works.
    expect((await wire.command(`AUTH PLAIN ${b64(`${ALICE}\0${ALICE}\0${passwordOf(ALICE)}`)}`)).ok).toBe(true);
    await wire.quit();
  });

  it('a throttled name gets [LOGIN-DELAY], even with the right password', async () => {
    // auth.max_failures is 5 per account and address; each connection may fail three times.
    for (let round = 0; round < 2; round++) {
      const wire = await open({ implicitTLS: true });
      for (let i = 0; i < 3; i++) {
        await wire.command(`USER ${EVE}`);
        const reply = await wire.command(`PASS wrong-${round}-${i}`);
        if (reply.line.includes('[LOGIN-DELAY]')) break;
      }
      wire.destroy();
    }
    const wire = await open({ implicitTLS: true });
    await wire.command(`USER ${EVE}`);
    expect((await wire.command(`PASS ${passwordOf(EVE)}`)).line).toMatch(/^-ERR \[LOGIN-DELAY\] Too many failed attempts/);
    wire.destroy();
  });

  it('commands of the wrong state get -ERR saying so', async () => {
    const wire = await open({ implicitTLS: true });
    for (const verb of ['STAT', 'LIST', 'RETR 1', 'DELE 1', 'NOOP', 'RSET', 'TOP 1 0', 'UIDL']) {
      const reply = await wire.command(verb);
      expect(reply.line).toBe(`-ERR ${verb.split(' ')[0]} is not valid before login`);
    }
    await wire.command(`USER ${ALICE}`);
    await wire.command(`PASS ${passwordOf(ALICE)}`);
    expect((await wire.command(`USER ${ALICE}`)).line).toBe('-ERR USER is not valid after login');
    expect((await wire.command('PASS x')).line).toBe('-ERR PASS is not valid after login');
    expect((await wire.command('AUTH PLAIN')).line).toBe('-ERR AUTH is not valid after login');
    expect((await wire.command('STLS')).line).toBe('-ERR STLS is not valid after login');
    // CAPA is valid in both states (RFC 2449 §5).
    expect((await wire.multi('CAPA')).ok).toBe(true);
    await wire.quit();
  });

  it('bad input: unknown and empty commands, an over-long line, NUL and control bytes, 8-bit junk; all -ERR, the session goes on', async () => {
    const wire = await open();
    expect((await wire.command('FROB')).line).toBe('-ERR Unknown command: FROB');
    expect((await wire.command('')).line).toBe('-ERR Empty command');
    wire.send(`USER ${'x'.repeat(400)}`);
    expect((await wire.reply()).line).toBe('-ERR Line too long (at most 255 octets, RFC 2449)');
    expect((await wire.command('USER a\0b')).line).toBe('-ERR Control characters are not allowed');
    expect((await wire.command('\0\0\0')).line).toBe('-ERR Unknown command: ???');
    expect((await wire.command('\u00ff\u00feLIST')).line).toBe('-ERR Unknown command: ??LIST');
    expect((await wire.command('RETR')).line).toBe('-ERR RETR is not valid before login');
    // A line cut by a bare LF counts as a line too; a CR alone does not end one.
    wire.write('CAPA\n');
    expect((await wire.reply()).line).toBe('+OK Capability list follows');
    await wire.body();
    const capa = await wire.multi('CAPA');
    expect(capa.ok).toBe(true);
    await wire.quit();
  });

  it('closes after 20 bad commands, and the server keeps serving others', async () => {
    const wire = await open();
    wire.write('BOGUS\r\n'.repeat(25));
    const replies: string[] = [];
    for (let i = 0; i < 21; i++) replies.push((await wire.reply()).line);
    expect(replies.slice(0, 20).every((l) => l === '-ERR Unknown command: BOGUS')).toBe(true);
    expect(replies[20]).toBe('-ERR Too many bad commands; closing the connection');
    expect(await wire.waitClosed()).toBe(true);
    const next = await open();
    expect((await next.multi('CAPA')).ok).toBe(true);
    await next.quit();
  });

  it('survives a flood of random bytes and a client that vanishes mid-line', async () => {
    const junk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    const flood = await open();
    flood.write(junk);
    await flood.waitClosed(5000);
    flood.destroy();
    const vanish = await open();
    vanish.write('USER half-a-li');
    vanish.destroy();
    const after = await open({ implicitTLS: true });
    await after.command(`USER ${ALICE}`);
    expect((await after.command(`PASS ${passwordOf(ALICE)}`)).ok).toBe(true);
    await after.quit();
  });

  it('refuses connections past pop3.max_connections_per_ip with [SYS/TEMP], and takes new ones once they close', async () => {
    POP3Wire.destroyAll();
    const accepted: POP3Wire[] = [];
    let refused: string | undefined;
    for (let i = 0; i < MAX_PER_IP + 5 && refused === undefined; i++) {
      const wire = await POP3Wire.connect(t.ports.pop3);
      const greeting = await wire.reply();
      if (greeting.ok) accepted.push(wire);
      else {
        refused = greeting.line;
        expect(await wire.waitClosed()).toBe(true);
      }
    }
    expect(refused).toBe('-ERR [SYS/TEMP] Too many connections from your address');
    // Connections of earlier tests may still be counted for a moment, so at most the limit got in.
    expect(accepted.length).toBeLessThanOrEqual(MAX_PER_IP);
    expect(accepted.length).toBeGreaterThan(0);
    for (const wire of accepted) await wire.quit();
    const deadline = Date.now() + 2000;
    let greeting;
    do {
      const wire = await POP3Wire.connect(t.ports.pop3);
      greeting = await wire.reply();
      wire.destroy();
    } while (!greeting.ok && Date.now() < deadline);
    expect(greeting.ok).toBe(true);
  });

  it('QUIT in AUTHORIZATION signs off without a maildrop', async () => {
    const wire = await open();
    expect((await wire.command('QUIT')).line).toBe('+OK mx.example.test POP3 server signing off');
    expect(await wire.waitClosed()).toBe(true);
  });
});

