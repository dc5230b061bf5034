// Random pipelined POP3 sessions (fast-check) against a real `mailward serve`: every line gets exactly the replies its command calls for, in order, the server never crashes, and a dropped session deletes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { POP3Wire } from '../support/pop3-wire.js';

const ALICE = 'alice@example.test';
const COUNT = 4;

/** One line to send and whether its +OK starts a multi-line response. */
interface Line {
  text: string;
  multi: boolean;
}

const n = fc.oneof(fc.integer({ min: 1, max: COUNT + 2 }), fc.constantFrom(0, 2_147_483_647));
const keywordCase = (keyword: string): fc.Arbitrary<string> => fc.constantFrom(keyword, keyword.toLowerCase());
/** Bytes that break line protocols, never CR or LF (those would make two lines). */
const junk = fc.array(fc.oneof(fc.constantFrom(0x00, 0x20, 0x2e, 0x7f, 0xff, 0x09), fc.integer({ min: 0x21, max: 0xfe })), { minLength: 0, maxLength: 40 }).map((a) => Buffer.from(a).toString('latin1'));

const line: fc.Arbitrary<Line> = fc.oneof(
  fc.constantFrom<Line>(
    { text: `USER ${ALICE}`, multi: false },
    { text: `PASS ${passwordOf(ALICE)}`, multi: false },
    { text: `AUTH PLAIN ${Buffer.from(`\0${ALICE}\0${passwordOf(ALICE)}`).toString('base64')}`, multi: false },
    { text: 'STAT', multi: false },
    { text: 'NOOP', multi: false },
    { text: 'RSET', multi: false },
    { text: 'STLS', multi: false },
    { text: 'APOP alice 0123456789abcdef0123456789abcdef', multi: false },
    { text: '', multi: false },
  ),
  fc.tuple(keywordCase('CAPA')).map(([k]) => ({ text: k, multi: true })),
  fc.tuple(keywordCase('AUTH')).map(([k]) => ({ text: k, multi: true })),
  fc.tuple(keywordCase('LIST'), fc.option(n, { nil: undefined })).map(([k, m]) => ({ text: m === undefined ? k : `${k} ${m}`, multi: m === undefined })),
  fc.tuple(keywordCase('UIDL'), fc.option(n, { nil: undefined })).map(([k, m]) => ({ text: m === undefined ? k : `${k} ${m}`, multi: m === undefined })),
  fc.tuple(keywordCase('RETR'), n).map(([k, m]) => ({ text: `${k} ${m}`, multi: true })),
  fc.tuple(keywordCase('TOP'), n, fc.nat({ max: 5 })).map(([k, m, l]) => ({ text: `${k} ${m} ${l}`, multi: true })),
  fc.tuple(keywordCase('DELE'), n).map(([k, m]) => ({ text: `${k} ${m}`, multi: false })),
  // Known keywords with junk arguments: single-line errors or, rarely, valid single-line commands. Not
  // USER/PASS: failed sign-ins would close sessions and throttle the address, which is tested elsewhere.
  fc.tuple(fc.constantFrom('STAT', 'NOOP', 'RSET', 'DELE'), junk).map(([k, j]) => ({ text: `${k} ${j}`, multi: false })),
  // No verb starts with X: always an unknown command.
  junk.map((j) => ({ text: `X${j}`, multi: false })),
  fc.nat({ max: 600 }).map((len) => ({ text: `NOOP ${'z'.repeat(250 + len)}`, multi: false })),
);

/** A retrieval of a message that exists. */
const retrieval: fc.Arbitrary<Line> = fc
  .tuple(fc.constantFrom('RETR', 'TOP'), fc.integer({ min: 1, max: COUNT }), fc.nat({ max: 5 }))
  .map(([k, m, l]) => ({ text: k === 'RETR' ? `RETR ${m}` : `TOP ${m} ${l}`, multi: true }));

describe('POP3 wire fuzz', () => {
  let t: POP3Server;

  beforeAll(async () => {
    t = await startPOP3Server({ users: [ALICE], env: { MAILWARD_POP3_ALLOW_PLAINTEXT_AUTH: 'true' } });
    await t.seed(ALICE, Array.from({ length: COUNT }, (_, i) => testMessage({ id: `fuzz${i + 1}` })));
  });
  afterAll(async () => {
    POP3Wire.destroyAll();
    await t.stop();
    removeTempDataDirs();
  });

  /** A session past PASS, retried while the previous run's lock is still being released. */
  async function signedIn(): Promise<POP3Wire> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const wire = await POP3Wire.connect(t.ports.pop3);
      await wire.reply();
      await wire.command(`USER ${ALICE}`);
      const pass = await wire.command(`PASS ${passwordOf(ALICE)}`);
      if (pass.ok) {
        expect(pass.line).toMatch(new RegExp(`^\\+OK Maildrop has ${COUNT} messages`));
        return wire;
      }
      wire.destroy();
      expect(pass.line.startsWith('-ERR [IN-USE]') && Date.now() < deadline, pass.line).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('pipelined random sessions: one reply per command, in order, multi-line only after +OK of a multi-line command', async () => {
    /** Replies seen, by kind: the property must have reached TRANSACTION and sent messages to mean anything. */
    const seen = { signedInRuns: 0, retrieved: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(true, true, true, false), retrieval, fc.array(line, { minLength: 1, maxLength: 30 }), async (signIn, first, random) => {
        // A signed-in run opens with a valid retrieval, so that messages are sent in every such run
        // (random lines alone often end in too many bad commands before any RETR).
        const lines = signIn ? [first, ...random] : random;
        const wire = signIn ? await signedIn() : await POP3Wire.connect(t.ports.pop3);
        try {
          if (signIn) seen.signedInRuns++;
          else expect((await wire.reply()).ok).toBe(true);
          // STLS would switch to TLS mid-pipeline; it is answered, then the rest is dropped as the RFC wants.
          const cut = lines.findIndex((l) => l.text === 'STLS');
          const sent = cut < 0 ? lines : lines.slice(0, cut + 1);
          wire.write(sent.map((l) => `${l.text}\r\n`).join(''));
          for (const sentLine of sent) {
            const reply = await wire.reply({ timeoutMs: 5000 }).catch((error: unknown) => {
              // The server may close after too many bad commands; then its last words say so.
              if (wire.closed && /Too many bad commands/.test(wire.transcript)) return undefined;
              throw error;
            });
            if (!reply) return;
            expect(reply.line.length, `reply to ${JSON.stringify(sentLine.text)}`).toBeLessThanOrEqual(510);
            expect(reply.line).toMatch(/^(\+OK|-ERR)( |$)/);
            if (reply.ok && sentLine.multi) await wire.body();
            if (reply.ok && /^(RETR|TOP) /i.test(sentLine.text)) seen.retrieved++;
            if (reply.line === '-ERR Too many bad commands; closing the connection') return;
            if (sentLine.text === 'STLS' && reply.ok) return;
          }
          // Nothing more than one reply per line.
          expect((await wire.command('NOOP')).line).toMatch(/^(\+OK|-ERR NOOP is not valid before login|-ERR Too many bad commands)/);
        } finally {
          // A dropped connection: nothing may be deleted.
          wire.destroy();
        }
      }),
      { numRuns: 60 },
    );
    expect(seen.signedInRuns).toBeGreaterThan(10);
    expect(seen.retrieved).toBeGreaterThan(10);
    // The server is alive and every message is still there.
    (await signedIn()).destroy();
    expect(t.mail.messages(ALICE)).toHaveLength(COUNT);
  });
});
