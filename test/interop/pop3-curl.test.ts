// curl's POP3 client against Mailward: LIST, RETR, UIDL, TOP and DELE over STLS (pop3:// --ssl-reqd) and implicit TLS (pop3s://), SASL PLAIN with and without the initial response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { CurlResult } from '../support/curl.js';
import { runCurl } from '../support/curl.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';

const ALICE = 'alice@example.test';

function curl(args: string[], options: { password?: string } = {}): Promise<CurlResult> {
  return runCurl(ALICE, options.password ?? passwordOf(ALICE), args);
}

describe('curl POP3 against Mailward', () => {
  let t: POP3Server;
  let plain: string;
  let secure: string;

  beforeAll(async () => {
    t = await startPOP3Server({ users: [ALICE] });
    await t.seed(ALICE, [testMessage({ id: 'curl1' }), testMessage({ id: 'curl2', body: '.\r\n.leading dot\r\nplain\r\n' }), testMessage({ id: 'curl3' })]);
    plain = `pop3://127.0.0.1:${t.ports.pop3}`;
    secure = `pop3s://127.0.0.1:${t.ports.pop3s}`;
  });
  afterAll(async () => {
    await t.stop();
    removeTempDataDirs();
  });

  it('lists the maildrop over STLS and over implicit TLS', async () => {
    const stored = t.mail.messages(ALICE);
    const expected = stored.map((m, i) => `${i + 1} ${m.raw.length}\r\n`).join('');
    const overSTLS = await curl(['--ssl-reqd', '--insecure', `${plain}/`]);
    expect(overSTLS.code, overSTLS.stderr).toBe(0);
    expect(overSTLS.stdout).toBe(expected);
    const overTLS = await curl(['--insecure', `${secure}/`]);
    expect(overTLS.code, overTLS.stderr).toBe(0);
    expect(overTLS.stdout).toBe(expected);
  });

  it('retrieves each message byte for byte (dot-stuffing undone), with and without the SASL initial response', async () => {
    const stored = t.mail.messages(ALICE);
    for (const [i, message] of stored.entries()) {
      const result = await curl(['--insecure', ...(i % 2 === 0 ? ['--sasl-ir'] : []), `${secure}/${i + 1}`]);
      expect(result.code, result.stderr).toBe(0);
      expect(Buffer.from(result.stdout, 'latin1').equals(message.raw)).toBe(true);
    }
    const viaSTLS = await curl(['--ssl-reqd', '--insecure', `${plain}/2`]);
    expect(Buffer.from(viaSTLS.stdout, 'latin1').equals(stored[1]!.raw)).toBe(true);
  });

  it('UIDL and TOP as custom requests', async () => {
    const stored = t.mail.messages(ALICE);
    const uidl = await curl(['--insecure', '--request', 'UIDL', `${secure}/`]);
    expect(uidl.code, uidl.stderr).toBe(0);
    expect(uidl.stdout.trimEnd().split('\r\n')).toEqual(stored.map((m, i) => expect.stringMatching(new RegExp(`^${i + 1} \\d+\\.${m.uid}$`))));
    const top = await curl(['--insecure', '--request', 'TOP 3 0', `${secure}/`]);
    expect(top.code, top.stderr).toBe(0);
    const raw = stored[2]!.raw.toString('latin1');
    expect(top.stdout).toBe(raw.slice(0, raw.indexOf('\r\n\r\n') + 4));
  });

  it('DELE takes effect at the QUIT curl sends', async () => {
    const result = await curl(['--insecure', '--request', 'DELE', '--head', `${secure}/1`]);
    expect(result.code, result.stderr).toBe(0);
    expect(t.mail.messages(ALICE).map((m) => m.messageId)).toEqual(['<curl2@test.example>', '<curl3@test.example>']);
  });

  it('refuses a wrong password (curl exit 67) and a login without TLS on the plain port', async () => {
    expect((await curl(['--insecure', `${secure}/`], { password: 'wrong-password' })).code).toBe(67);
    const noTLS = await curl([`${plain}/`]);
    expect(noTLS.code).toBe(67);
  });
});
