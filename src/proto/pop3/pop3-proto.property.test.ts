import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POP3LineReader, POP3_MAX_COMMAND_BYTES } from './pop3-line-reader.js';
import { POP3_COMMANDS, parsePOP3Command } from './pop3-command-parser.js';
import { MAX_MESSAGE_NUMBER, parseMessageNumber } from './pop3-command.js';
import { DotStuffer, TopLimiter } from './pop3-message-stream.js';
import { errLine, multiLine, okLine } from './pop3-response.js';

/** Splits bytes at the given (sorted, deduplicated) positions. */
function chunks(bytes: Buffer, cuts: number[]): Buffer[] {
  const sorted = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...sorted, bytes.length]) {
    out.push(bytes.subarray(from, cut));
    from = cut;
  }
  return out;
}

/** Bytes biased towards what breaks line protocols: CR, LF, dots, spaces, NUL and 8-bit. */
const hostileBytes = fc.array(fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x2e, 0x20, 0x00, 0xff, 0x41), fc.integer({ min: 0, max: 255 })), { maxLength: 800 }).map((a) => Buffer.from(a));

describe('POP3 parsing never throws and never loses track (fuzz)', () => {
  it('any bytes in any chunks: the reader and parser never throw, and lines stay within the limit', () => {
    fc.assert(
      fc.property(hostileBytes, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const reader = new POP3LineReader();
        for (const chunk of chunks(bytes, cuts)) {
          for (const event of reader.push(chunk)) {
            if (event.kind !== 'line') continue;
            expect(Buffer.byteLength(event.line, 'latin1')).toBeLessThanOrEqual(POP3_MAX_COMMAND_BYTES - 1);
            expect(event.line).not.toMatch(/\n/);
            const parsed = parsePOP3Command(event.line);
            expect(['command', 'unknown', 'invalid']).toContain(parsed.kind);
            if (parsed.kind === 'unknown') expect(parsed.keyword).toMatch(/^[\x21-\x7e]{0,16}$/);
          }
          expect(reader.bufferedBytes).toBeLessThanOrEqual(POP3_MAX_COMMAND_BYTES);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the same lines come out whatever the chunking', () => {
    fc.assert(
      fc.property(hostileBytes, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const whole = new POP3LineReader().push(bytes);
        const reader = new POP3LineReader();
        const split = chunks(bytes, cuts).flatMap((c) => reader.push(c));
        expect(split).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('a command serialised from valid parts parses back to itself', () => {
    const message = fc.integer({ min: 1, max: 2_147_483_647 });
    const line = fc.oneof(
      message.map((m) => [`RETR ${m}`, { verb: 'RETR', message: m }] as const),
      message.map((m) => [`dele ${m}`, { verb: 'DELE', message: m }] as const),
      fc.tuple(message, fc.nat({ max: 1_000_000 })).map(([m, n]) => [`TOP ${m} ${n}`, { verb: 'TOP', message: m, lines: n }] as const),
      fc.option(message, { nil: undefined }).map((m) => [m === undefined ? 'UIDL' : `UIDL ${m}`, m === undefined ? { verb: 'UIDL' } : { verb: 'UIDL', message: m }] as const),
      fc.stringMatching(/^[!-~]{1,64}$/).map((name) => [`USER ${name}`, { verb: 'USER', name }] as const),
      fc.stringMatching(/^[ -~]{1,100}$/).map((secret) => [`PASS ${secret}`, { verb: 'PASS', secret }] as const),
    );
    fc.assert(
      fc.property(line, ([text, command]) => {
        expect(parsePOP3Command(text)).toMatchObject({ kind: 'command', command });
      }),
    );
  });

  it('keywords are case-insensitive: any casing of a verb parses as the upper-case line does', () => {
    const verb = fc.constantFrom(...Object.keys(POP3_COMMANDS));
    const casing = fc.array(fc.boolean(), { minLength: 4, maxLength: 4 });
    const args = fc.oneof(fc.constant(''), fc.stringMatching(/^ [ -~]{0,30}$/));
    fc.assert(
      fc.property(verb, casing, args, (keyword, upper, rest) => {
        const mixed = [...keyword].map((c, i) => (upper[i] ? c : c.toLowerCase())).join('');
        expect(parsePOP3Command(`${mixed}${rest}`)).toEqual(parsePOP3Command(`${keyword}${rest}`));
      }),
      { numRuns: 500 },
    );
  });

  it('an error for bad arguments never repeats them (a password typed after the wrong verb stays out of replies and logs)', () => {
    const verb = fc.constantFrom(...Object.keys(POP3_COMMANDS).filter((v) => v !== 'PASS'));
    // Long enough that a match cannot be an accident of the fixed texts.
    const secret = fc.stringMatching(/^[A-Za-z0-9!#%&*+=?^_~-]{12,40}$/);
    fc.assert(
      fc.property(verb, secret, fc.constantFrom('', '1 ', 'x\u0000'), (keyword, text, before) => {
        const parsed = parsePOP3Command(`${keyword} ${before}${text}`);
        if (parsed.kind === 'invalid') expect(parsed.message).not.toContain(text);
      }),
      { numRuns: 500 },
    );
  });

  it('a message number is a plain decimal from 1 to 2^31-1 or nothing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[-+0-9 .xe]{0,12}$/), fc.bigInt({ min: -5n, max: 2n ** 34n }).map(String)), (text) => {
        const n = parseMessageNumber(text);
        if (n === undefined) return;
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(MAX_MESSAGE_NUMBER);
        expect(text).toMatch(/^[0-9]+$/);
        expect(BigInt(text)).toBe(BigInt(n));
      }),
      { numRuns: 1000 },
    );
  });

  it('replies never carry a second line, whatever text they repeat', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700 }), (text) => {
        for (const line of [okLine(text), errLine(text, { code: 'AUTH' })]) {
          expect(line.indexOf('\r\n')).toBe(line.length - 2);
          expect(line.slice(0, -2)).not.toMatch(/[\r\n]/);
          expect(Buffer.byteLength(line)).toBeLessThanOrEqual(512);
        }
        const multi = multiLine('x', [text, text]);
        expect(multi.endsWith('\r\n.\r\n')).toBe(true);
        expect(multi.split('\r\n').slice(1, -2)).not.toContain('.');
      }),
    );
  });
});

/** The reverse of dot-stuffing, as a client does it: strip one leading dot per line, stop at the lone dot. */
function unstuff(wire: string): string | undefined {
  const end = wire.indexOf('\r\n.\r\n');
  const body = wire.startsWith('.\r\n') ? '' : end >= 0 ? wire.slice(0, end + 2) : undefined;
  if (body === undefined) return undefined;
  if (wire.length !== (body === '' ? 3 : end + 5)) return undefined;
  return body.replace(/(^|\n)\./g, '$1');
}

describe('dot-stuffing round trip (property)', () => {
  it('a client reading up to the lone dot gets the message back exactly, for any chunking', () => {
    const text = fc.array(fc.constantFrom('.', 'a', '\r\n', '\r\n.', '..', ' '), { maxLength: 60 }).map((parts) => `${parts.join('')}\r\n`);
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 5 }), (message, cuts) => {
        const stuffer = new DotStuffer();
        const bytes = Buffer.from(message, 'latin1');
        const wire = Buffer.concat([...chunks(bytes, cuts).map((c) => stuffer.push(c)), stuffer.end()]).toString('latin1');
        expect(unstuff(wire)).toBe(message);
      }),
      { numRuns: 500 },
    );
  });

  it('TOP never passes more than the header and n body lines, for any chunking', () => {
    const line = fc.stringMatching(/^[a-z .]{0,10}$/);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Z][a-z]{0,5}: [a-z]{1,5}$/), { maxLength: 5 }), fc.array(line, { maxLength: 8 }), fc.nat({ max: 10 }), fc.array(fc.nat(), { maxLength: 4 }), (header, body, n, cuts) => {
        const message = `${header.map((h) => `${h}\r\n`).join('')}\r\n${body.map((l) => `${l}\r\n`).join('')}`;
        const limiter = new TopLimiter(n);
        const out = chunks(Buffer.from(message, 'latin1'), cuts)
          .map((c) => limiter.push(c))
          .map((b) => b.toString('latin1'))
          .join('');
        const want = `${header.map((h) => `${h}\r\n`).join('')}\r\n${body.slice(0, n).map((l) => `${l}\r\n`).join('')}`;
        expect(out).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});
