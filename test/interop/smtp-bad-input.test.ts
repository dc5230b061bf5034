// Hostile and broken SMTP input on raw sockets against a real `mailward serve`: the right reply each time, no crash, and a message fully stored or not acknowledged.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli.js';
import type { MailServer } from '../support/mail-server.js';
import { addedFields, startMailServer, stopMailServer } from '../support/mail-server.js';
import { WireClient, wireDeliver } from '../support/smtp-wire.js';
import { waitFor } from '../support/wait-for.js';

let server: MailServer;

beforeAll(async () => {
  assertBuilt();
  server = await startMailServer({ users: ['alice@example.test', 'bob@example.test'] });
});

afterAll(async () => {
  WireClient.destroyAll();
  await stopMailServer(server);
});

const token = (): string => randomBytes(6).toString('hex');
const withToken = (t: string): ((m: { raw: Buffer }) => boolean) => (m) => m.raw.includes(t);
const bobHas = (t: string): number => server.messages('bob@example.test').filter(withToken(t)).length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects, reads the greeting and says EHLO. */
async function session(port = server.ports.smtp): Promise<WireClient> {
  const client = await WireClient.connect(port);
  expect((await client.reply()).code).toBe(220);
  expect((await client.command('EHLO client.example')).code).toBe(250);
  return client;
}

describe.concurrent('bad input on the MX', () => {
  it('an early talker (a command before the greeting) gets 421 and is disconnected; a patient client is served', async () => {
    const rude = await WireClient.connect(server.ports.smtp);
    rude.send('EHLO early.example');
    const first = await rude.reply();
    expect(first.code).toBe(421);
    expect(first.text).toMatch(/too soon/i);
    expect(await rude.waitClosed()).toBe(true);
    expect(rude.transcript).not.toMatch(/^220 /m);
    const polite = await session();
    await polite.quit();
  });

  it('malformed commands get 5xx replies and the session goes on to deliver', async () => {
    const client = await session();
    const expectations: Array<[string, number, RegExp]> = [
      ['RCPT TO:<bob@example.test>', 503, /^5\.5\.1 /],
      ['DATA', 503, /^5\.5\.1 /],
      ['MAIL FROM:<<<', 501, /^5\.1\.7 /],
      ['MAIL FROM:', 501, /^5\.5\.[24] |^5\.1\.7 /],
      ['MAIL FROM:<a\u0000b@remote.example>', 501, /^5\.1\.7 /],
      ['EHLO', 501, /syntax/i],
      ['XYZZY', 500, /^5\.5\.2 /],
    ];
    for (const [command, code, text] of expectations) {
      const reply = await client.command(command);
      expect({ command, code: reply.code }).toEqual({ command, code });
      expect(reply.text).toMatch(text);
    }
    // The session survived all of that.
    const t = token();
    expect((await client.command('EHLO client.example')).code).toBe(250);
    expect((await client.command('MAIL FROM:<x@remote.example>')).code).toBe(250);
    expect((await client.command('RCPT TO:<bob@example.test>')).code).toBe(250);
    expect((await client.command('RCPT TO:<@@>')).code).toBeGreaterThanOrEqual(500);
    expect((await client.command('DATA')).code).toBe(354);
    client.write(`Subject: after errors ${t}\r\n\r\nok\r\n.\r\n`);
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    expect(bobHas(t)).toBe(1);
  });

  it('ten unknown commands in a row: 500 each, then 421 and the connection is closed', async () => {
    const client = await session();
    client.write('FOO\r\n'.repeat(12));
    const codes: number[] = [];
    for (;;) {
      const reply = await client.reply().catch(() => undefined);
      if (!reply) break;
      codes.push(reply.code);
    }
    expect(codes).toEqual([...Array<number>(9).fill(500), 421]);
    expect(await client.waitClosed()).toBe(true);
  });

  it('a 100 kB command line gets 421 4.4.2 and a close; the server keeps serving others', async () => {
    const client = await session();
    // In pieces, as a slow client would send it: the limit holds for a line that is not complete yet.
    const line = `MAIL FROM:<${'a'.repeat(100_000)}@remote.example>`;
    for (let i = 0; i < line.length; i += 10_000) client.write(line.slice(i, i + 10_000));
    client.write('\r\n');
    const reply = await client.reply();
    expect(reply.code).toBe(421);
    expect(reply.text).toMatch(/^4\.4\.2 .*too long/i);
    expect(await client.waitClosed()).toBe(true);

    const t = token();
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data: `Subject: still here ${t}\r\n\r\nok\r\n` });
    expect(final.code).toBe(250);
    expect(bobHas(t)).toBe(1);
  });

  it('a header block over 256 kB gets 552 5.3.4 and nothing is stored', async () => {
    const t = token();
    const data = `Subject: huge header ${t}\r\n${`X-Filler: ${'z'.repeat(99_990)}\r\n`.repeat(3)}\r\nbody\r\n`;
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data });
    expect(final.code).toBe(552);
    expect(final.text).toMatch(/^5\.3\.4 /);
    expect(bobHas(t)).toBe(0);
  });

  it('AUTH is neither offered nor accepted on the MX, before or after STARTTLS', async () => {
    const client = await WireClient.connect(server.ports.smtp);
    expect((await client.reply()).code).toBe(220);
    const ehlo = await client.command('EHLO client.example');
    expect(ehlo.lines.filter((l) => /^AUTH/i.test(l))).toEqual([]);
    expect((await client.command('AUTH PLAIN AGFsaWNlAHNlY3JldA==')).code).toBe(500);
    expect((await client.startTLS()).code).toBe(220);
    const secure = await client.command('EHLO client.example');
    expect(secure.lines.filter((l) => /^AUTH/i.test(l))).toEqual([]);
    expect((await client.command('AUTH PLAIN AGFsaWNlAHNlY3JldA==')).code).toBe(500);
    await client.quit();
  });

  it('a 100 kB header line inside DATA is accepted and stored verbatim', async () => {
    const t = token();
    const data = Buffer.from(`Subject: long ${t}\r\nX-Long: ${'y'.repeat(100_000)}\r\n\r\nbody\r\n`, 'latin1');
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data });
    expect(final.code).toBe(250);
    const [stored] = server.messages('bob@example.test').filter(withToken(t));
    expect(addedFields(stored!.raw, data).received).toHaveLength(1);
  });

  it('NUL bytes and 8-bit bytes in headers and body are acknowledged and stored verbatim', async () => {
    const t = token();
    const data = Buffer.concat([
      Buffer.from(`Subject: nul ${t} `, 'latin1'),
      Buffer.from([0x00, 0xe9, 0xff, 0x80, 0x00]),
      Buffer.from('\r\nX-Latin1: caf\xe9\r\nX-UTF8: ', 'latin1'),
      Buffer.from('Grüße ✓', 'utf8'),
      Buffer.from('\r\n\r\nbody \x00\xfe\xff\r\n', 'latin1'),
    ]);
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data });
    expect(final.code).toBe(250);
    const [stored] = server.messages('bob@example.test').filter(withToken(t));
    expect(addedFields(stored!.raw, data).received).toHaveLength(1);
  });

  it('bare LF line ends in DATA are stored as CRLF', async () => {
    const t = token();
    const content = `Subject: bare lf ${t}\nX-Mixed: yes\r\n\nline one\nline two\r\nline three\n`;
    // The end-of-data sequence is "\r\n.\r\n": the CRLF before the dot ends the last line.
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data: content });
    expect(final.code).toBe(250);
    const [stored] = server.messages('bob@example.test').filter(withToken(t));
    const expected = Buffer.from(`${content}\r\n`.replace(/\r?\n/g, '\r\n'));
    expect(addedFields(stored!.raw, expected).received).toHaveLength(1);
    expect(stored!.raw.toString('latin1')).not.toMatch(/[^\r]\n/);
  });

  it('"\\n.\\r\\n" does not end DATA (no SMTP smuggling): one message, the smuggled one inside it', async () => {
    const t = token();
    const data =
      `Subject: carrier ${t}\r\n\r\nbefore\n.\r\nMAIL FROM:<spoof@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n` +
      `Subject: smuggled ${t}\r\n\r\nsmuggled\r\n`;
    const { replies, final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data });
    expect(replies.map((r) => r.code)).toEqual([220, 250, 250, 250, 354]);
    expect(final.code).toBe(250);
    const stored = server.messages('bob@example.test').filter(withToken(t));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.subject).toBe(`carrier ${t}`);
  });

  it('pipelining abuse: 400 commands in one write are answered in order, and the session still delivers', async () => {
    const client = await session();
    let batch = '';
    const expected: number[] = [];
    for (let i = 0; i < 100; i++) {
      batch += `MAIL FROM:<s${i}@remote.example>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody${i}@example.test>\r\nRSET\r\n`;
      expected.push(250, 250, 550, 250);
    }
    client.write(batch);
    const replies = await client.replies(expected.length);
    expect(replies.map((r) => r.code)).toEqual(expected);
    expect(replies.filter((r) => r.code === 550).every((r) => r.text.startsWith('5.1.1 '))).toBe(true);

    const t = token();
    // A pipelined transaction up to DATA, as PIPELINING clients send it (RFC 2920).
    client.write('MAIL FROM:<x@remote.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
    expect((await client.replies(3)).map((r) => r.code)).toEqual([250, 250, 354]);
    client.write(`Subject: pipelined ${t}\r\n\r\nok\r\n.\r\n`);
    expect((await client.reply()).code).toBe(250);
    await client.quit();
    expect(bobHas(t)).toBe(1);
  });

  it('a sender that stops mid-DATA (reset, or half-close) gets no 250 and nothing is stored', async () => {
    const t = token();
    // 1. The connection is dropped after half a message.
    const dropped = await session();
    expect((await dropped.command('MAIL FROM:<x@remote.example>')).code).toBe(250);
    expect((await dropped.command('RCPT TO:<bob@example.test>')).code).toBe(250);
    expect((await dropped.command('DATA')).code).toBe(354);
    dropped.write(`Subject: dropped ${t}\r\n\r\nthe first half of the bo`);
    // Sent before the close: TCP delivers the half message, then the end of the connection.
    await dropped.flushed();
    dropped.destroy();

    // 2. The client closes its sending side (FIN) after half a message and waits for an answer.
    const socket = net.connect({ host: '127.0.0.1', port: server.ports.smtp, allowHalfOpen: true });
    let transcript = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (transcript += chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    await waitFor(() => transcript.includes('220 '), { what: 'the greeting' });
    socket.write('EHLO client.example\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
    await waitFor(() => transcript.includes('354 '), { what: '354 to DATA' });
    socket.write(`Subject: half-closed ${t}\r\n\r\nthe first half of the bo`);
    socket.end();
    await Promise.race([closed, sleep(3000)]);
    socket.destroy();

    // A whole message sent after both is stored: the server has been through the two ends by then.
    const after = token();
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data: `Subject: after ${after}\r\n\r\nok\r\n` });
    expect(final.code).toBe(250);
    expect(bobHas(after)).toBe(1);
    expect(transcript.slice(transcript.indexOf('354 '))).not.toMatch(/^250 /m);
    expect(bobHas(t)).toBe(0);
  });

  it('unparseable MIME (broken multipart, missing boundary, bad base64, deep nesting) is accepted and stored intact', async () => {
    const t = token();
    let deep = '';
    for (let i = 0; i < 300; i++) deep += `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n`;
    const bodies = [
      // A multipart whose closing boundary never comes, with a part whose header never ends.
      `Content-Type: multipart/mixed; boundary="xyz"\r\n\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--xyz\r\nContent-Type: text/html\r\n`,
      // multipart without a boundary parameter, and a nested part with garbage headers.
      `Content-Type: multipart/alternative\r\n\r\n--\r\n: no name\r\n\x01\x02: ctl\r\n\r\nbody\r\n----\r\n`,
      // Invalid base64 and quoted-printable, an unknown charset, a broken encoded-word.
      `Content-Type: text/plain; charset="x-unknown-\xff"\r\nContent-Transfer-Encoding: base64\r\nX-Word: =?utf-8?B?####?= =?bogus?Q?=ZZ?=\r\n\r\n!!!not base64@@@\r\n`,
      // 300 nested multiparts that never close.
      `${deep}Content-Type: text/plain\r\n\r\nleaf\r\n`,
    ];
    await Promise.all(
      bodies.map(async (body, i) => {
        const data = Buffer.from(`Subject: broken mime ${t} ${i}\r\nMIME-Version: 1.0\r\n${body}`, 'latin1');
        const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['bob@example.test'], data });
        expect(final.code, `body ${i}`).toBe(250);
        const stored = server.messages('bob@example.test').filter(withToken(`${t} ${i}`));
        expect(stored, `body ${i}`).toHaveLength(1);
        addedFields(stored[0]!.raw, data);
      }),
    );
  });

  it('STARTTLS with a command pipelined behind it: the plaintext command is discarded, not run inside TLS', async () => {
    const client = await session();
    // CVE-2011-0411 style injection: "RSET" arrives in clear text together with STARTTLS.
    client.write('STARTTLS\r\nRSET\r\n');
    expect((await client.reply()).code).toBe(220);
    await client.upgradeTLS();
    // The first reply over TLS answers our EHLO, not the injected RSET.
    const ehlo = await client.command('EHLO client.example');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines[0]).toMatch(/^mx\.example\.test /);
    expect(ehlo.lines).not.toContain('STARTTLS');
    expect(client.transcript).not.toMatch(/2\.0\.0 Flushed/);
    await client.quit();
  });

  it('an HTTP request on the SMTP port gets 421 and a close', async () => {
    const client = await WireClient.connect(server.ports.smtp);
    expect((await client.reply()).code).toBe(220);
    const reply = await client.command('POST / HTTP/1.1');
    expect(reply.code).toBe(421);
    expect(await client.waitClosed()).toBe(true);
  });
});

describe.concurrent('bad input on the submission port', () => {
  it('AUTH before STARTTLS is not recognized, and MAIL without AUTH gets 530 5.7.0', async () => {
    const client = await session(server.ports.submission);
    const auth = await client.command(`AUTH PLAIN ${Buffer.from('\u0000alice@example.test\u0000whatever').toString('base64')}`);
    expect(auth.code).toBe(500);
    expect((await client.command('MAIL FROM:<alice@example.test>')).text).toMatch(/^5\.7\.0 /);
    await client.quit();
  });
});

describe('after all of that', () => {
  it('the server is alive, logged no crash, and delivers normally', async () => {
    expect(server.serve.child.exitCode).toBeNull();
    const t = token();
    const { final } = await wireDeliver(server.ports.smtp, { from: 'x@remote.example', to: ['alice@example.test'], data: `Subject: alive ${t}\r\n\r\nok\r\n` });
    expect(final.code).toBe(250);
    expect(server.messages('alice@example.test').filter(withToken(t))).toHaveLength(1);
    expect(server.serve.stderr()).toBe('');
    expect(server.serve.logs.filter((line) => line.level >= 50)).toEqual([]);
  });
});
