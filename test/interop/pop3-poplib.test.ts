// Python's poplib against Mailward's POP3: STLS on the plain port and implicit TLS (POP3_SSL), USER/PASS, LIST, UIDL, RETR byte for byte, TOP, DELE, QUIT, and its view of -ERR replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { runPython } from '../support/python.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

/**
 * One poplib session, step by step; prints one JSON result per step. A step that raises
 * (poplib.error_proto carries the server's -ERR line) records the error and ends the session.
 */
const CLIENT = String.raw`
import base64, json, poplib, ssl, sys

spec = json.load(sys.stdin)
context = ssl.create_default_context()
# The test server's certificate is self-signed; what is tested is the POP3 after the handshake.
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE

def text(value):
    return value.decode("latin1") if isinstance(value, bytes) else str(value)

out = []
try:
    if spec["mode"] == "ssl":
        pop = poplib.POP3_SSL(spec["host"], spec["port"], context=context, timeout=20)
    else:
        pop = poplib.POP3(spec["host"], spec["port"], timeout=20)
    out.append({"op": "welcome", "value": text(pop.getwelcome())})
    for step in spec["steps"]:
        op, args = step[0], step[1:]
        if op == "capa":
            value = {k: v for k, v in pop.capa().items()}
        elif op == "stls":
            value = text(pop.stls(context=context))
        elif op == "user":
            value = text(pop.user(args[0]))
        elif op == "pass_":
            value = text(pop.pass_(args[0]))
        elif op == "stat":
            value = list(pop.stat())
        elif op == "list":
            resp, lines, _ = pop.list()
            value = [text(resp)] + [text(l) for l in lines]
        elif op == "uidl":
            resp, lines, _ = pop.uidl()
            value = [text(resp)] + [text(l) for l in lines]
        elif op == "retr":
            resp, lines, octets = pop.retr(args[0])
            value = {"resp": text(resp), "octets": octets, "raw": base64.b64encode(b"".join(l + b"\r\n" for l in lines)).decode()}
        elif op == "top":
            resp, lines, _ = pop.top(args[0], args[1])
            value = [text(l) for l in lines]
        elif op == "dele":
            value = text(pop.dele(args[0]))
        elif op == "rset":
            value = text(pop.rset())
        elif op == "noop":
            value = text(pop.noop())
        elif op == "quit":
            value = text(pop.quit())
        else:
            raise ValueError(op)
        out.append({"op": op, "value": value})
except poplib.error_proto as error:
    out.append({"op": "error", "value": text(error.args[0])})
print(json.dumps(out))
`;

type Step = [string, ...Array<string | number>];
interface Result {
  op: string;
  value: unknown;
}

function poplib(spec: { port: number; mode: 'plain' | 'ssl'; steps: Step[] }): Promise<Result[]> {
  return runPython(['-c', CLIENT], { host: '127.0.0.1', ...spec });
}

const valueOf = (results: Result[], op: string): unknown => results.find((r) => r.op === op)?.value;

describe("Python's poplib against Mailward", () => {
  let t: POP3Server;

  beforeAll(async () => {
    t = await startPOP3Server({ users: [ALICE, BOB] });
    await t.seedMany({
      [ALICE]: [testMessage({ id: 'py1' }), testMessage({ id: 'py2', body: '.\r\n..\r\n.x\r\nend\r\n' }), testMessage({ id: 'py3' })],
      [BOB]: [testMessage({ id: 'pyb1', to: BOB }), testMessage({ id: 'pyb2', to: BOB })],
    });
  });
  afterAll(async () => {
    await t.stop();
    removeTempDataDirs();
  });

  it('STLS, then USER/PASS, STAT, LIST, UIDL, RETR every message byte for byte, DELE, QUIT', async () => {
    const stored = t.mail.messages(ALICE);
    const steps: Step[] = [['capa'], ['stls'], ['capa'], ['user', ALICE], ['pass_', passwordOf(ALICE)], ['stat'], ['list'], ['uidl']];
    for (let n = 1; n <= stored.length; n++) steps.push(['retr', n]);
    steps.push(['dele', 1], ['quit']);
    const results = await poplib({ port: t.ports.pop3, mode: 'plain', steps });
    expect(results.map((r) => r.op)).toEqual(['welcome', ...steps.map((s) => s[0])]);
    expect(valueOf(results, 'welcome')).toBe('+OK mx.example.test Mailward POP3 server ready');
    const [before, after] = results.filter((r) => r.op === 'capa').map((r) => r.value as Record<string, string[]>);
    expect(Object.keys(before!)).toEqual(expect.arrayContaining(['STLS', 'UIDL', 'TOP', 'PIPELINING', 'RESP-CODES']));
    expect(Object.keys(before!)).not.toContain('USER');
    expect(after).toMatchObject({ USER: [], SASL: ['PLAIN', 'LOGIN'] });
    expect(Object.keys(after!)).not.toContain('STLS');
    const total = stored.reduce((sum, m) => sum + m.raw.length, 0);
    expect(valueOf(results, 'stat')).toEqual([3, total]);
    expect(valueOf(results, 'list')).toEqual([`+OK 3 messages (${total} octets)`, ...stored.map((m, i) => `${i + 1} ${m.raw.length}`)]);
    expect((valueOf(results, 'uidl') as string[]).slice(1)).toEqual(stored.map((m, i) => expect.stringMatching(new RegExp(`^${i + 1} \\d+\\.${m.uid}$`))));
    const retrieved = results.filter((r) => r.op === 'retr').map((r) => r.value as { resp: string; raw: string });
    expect(retrieved.map((r) => r.resp)).toEqual(stored.map((m) => `+OK ${m.raw.length} octets`));
    for (const [i, r] of retrieved.entries()) expect(Buffer.from(r.raw, 'base64').equals(stored[i]!.raw)).toBe(true);
    expect(valueOf(results, 'dele')).toBe('+OK Message 1 marked deleted');
    expect(valueOf(results, 'quit')).toBe('+OK mx.example.test POP3 server signing off (2 messages left)');
    expect(t.mail.messages(ALICE).map((m) => m.messageId)).toEqual(['<py2@test.example>', '<py3@test.example>']);
  });

  it('POP3_SSL: USER/PASS, TOP, RSET, NOOP; errors reach poplib as the server said them', async () => {
    const results = await poplib({
      port: t.ports.pop3s,
      mode: 'ssl',
      steps: [['user', BOB], ['pass_', passwordOf(BOB)], ['top', 2, 0], ['dele', 2], ['rset'], ['noop'], ['retr', 9]],
    });
    expect(valueOf(results, 'pass_')).toMatch(/^\+OK Maildrop has 2 messages/);
    expect(valueOf(results, 'top')).toContain('Message-ID: <pyb2@test.example>');
    expect((valueOf(results, 'top') as string[]).at(-1)).toBe('');
    expect(valueOf(results, 'rset')).toMatch(/^\+OK Maildrop has 2 messages/);
    expect(valueOf(results, 'noop')).toBe('+OK');
    expect(valueOf(results, 'error')).toBe('-ERR No such message; numbers go from 1 to 2');
    // No QUIT: the DELE, undone by RSET anyway, must not have been applied.
    expect(t.mail.messages(BOB)).toHaveLength(2);
  });

  it('a wrong password and USER without TLS are refused with their RFC 3206 codes', async () => {
    const wrong = await poplib({ port: t.ports.pop3s, mode: 'ssl', steps: [['user', BOB], ['pass_', 'not-the-password']] });
    expect(valueOf(wrong, 'error')).toBe('-ERR [AUTH] Verification failure. Please check the username and password you entered.');
    const plain = await poplib({ port: t.ports.pop3, mode: 'plain', steps: [['user', BOB]] });
    expect(valueOf(plain, 'error')).toBe('-ERR [AUTH] Sign-in without TLS is disabled; use STLS or port 995 first');
  });
});
