import { describe, expect, it } from 'vitest';
import { POP3LineReader } from './pop3-line-reader.js';
import type { LineEvent } from './pop3-line-reader.js';
import { parsePOP3Command } from './pop3-command-parser.js';
import { DotStuffer, TopLimiter } from './pop3-message-stream.js';
import { continuationLine, errLine, multiLine, okLine } from './pop3-response.js';

/** Feeds `input` cut at every position in `cuts` and returns all events. */
function feed(input: Buffer, cuts: number[], reader = new POP3LineReader()): LineEvent[] {
  const events: LineEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    events.push(...reader.push(input.subarray(from, cut)));
    from = cut;
  }
  return events;
}

describe('POP3LineReader', () => {
  const session = Buffer.from('USER alice@example.test\r\nPASS secret with spaces \r\nSTAT\nLIST 1\r\nQUIT\r\n', 'latin1');
  const expected: LineEvent[] = [
    { kind: 'line', line: 'USER alice@example.test' },
    { kind: 'line', line: 'PASS secret with spaces ' },
    { kind: 'line', line: 'STAT' },
    { kind: 'line', line: 'LIST 1' },
    { kind: 'line', line: 'QUIT' },
  ];

  it('gives the same lines whatever the chunk boundaries (every single split and every pair)', () => {
    expect(feed(session, [])).toEqual(expected);
    for (let a = 0; a <= session.length; a++) {
      expect(feed(session, [a])).toEqual(expected);
      for (let b = a; b <= session.length; b += 3) expect(feed(session, [a, b])).toEqual(expected);
    }
  });

  it('refuses lines over 255 octets (CRLF included) once, skips them and goes on', () => {
    const exact = `NOOP ${'x'.repeat(255 - 2 - 5)}\r\n`;
    expect(Buffer.byteLength(exact)).toBe(255);
    const over = `NOOP ${'x'.repeat(300)}\r\n`;
    const input = Buffer.from(`${exact}${over}STAT\r\n`);
    const want: LineEvent[] = [{ kind: 'line', line: exact.slice(0, -2) }, { kind: 'too-long', limit: 255 }, { kind: 'line', line: 'STAT' }];
    for (let a = 0; a <= input.length; a += 7) expect(feed(input, [a])).toEqual(want);
    expect(feed(input, [])).toEqual(want);
  });

  it('holds no more than the limit while a long line is still coming, and discard() drops what waits', () => {
    const reader = new POP3LineReader();
    for (let i = 0; i < 100; i++) reader.push(Buffer.alloc(1000, 0x41));
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.push(Buffer.from('\r\nNOOP\r\nSTA'))).toEqual([{ kind: 'too-long', limit: 255 }, { kind: 'line', line: 'NOOP' }]);
    expect(reader.discard()).toBe(3);
    expect(reader.push(Buffer.from('T\r\n'))).toEqual([{ kind: 'line', line: 'T' }]);
  });

  it('takes a larger limit for SASL responses', () => {
    const reader = new POP3LineReader();
    reader.maxLineBytes = 8192;
    const long = 'A'.repeat(4000);
    expect(reader.push(Buffer.from(`${long}\r\n`))).toEqual([{ kind: 'line', line: long }]);
  });
});

describe('parsePOP3Command', () => {
  it('parses the RFC 1939 examples, keywords in any case', () => {
    expect(parsePOP3Command('USER mrose')).toMatchObject({ kind: 'command', command: { verb: 'USER', name: 'mrose' } });
    expect(parsePOP3Command('PASS secret')).toMatchObject({ kind: 'command', command: { verb: 'PASS', secret: 'secret' } });
    expect(parsePOP3Command('stat')).toMatchObject({ kind: 'command', command: { verb: 'STAT' }, states: ['TRANSACTION'] });
    expect(parsePOP3Command('LIST')).toMatchObject({ kind: 'command', command: { verb: 'LIST' } });
    expect(parsePOP3Command('LIST 2')).toMatchObject({ kind: 'command', command: { verb: 'LIST', message: 2 } });
    expect(parsePOP3Command('RETR 1')).toMatchObject({ kind: 'command', command: { verb: 'RETR', message: 1 } });
    expect(parsePOP3Command('DELE 1')).toMatchObject({ kind: 'command', command: { verb: 'DELE', message: 1 } });
    expect(parsePOP3Command('NOOP')).toMatchObject({ kind: 'command', command: { verb: 'NOOP' } });
    expect(parsePOP3Command('RSET')).toMatchObject({ kind: 'command', command: { verb: 'RSET' } });
    expect(parsePOP3Command('Quit')).toMatchObject({ kind: 'command', command: { verb: 'QUIT' }, states: ['AUTHORIZATION', 'TRANSACTION'] });
    expect(parsePOP3Command('TOP 1 10')).toMatchObject({ kind: 'command', command: { verb: 'TOP', message: 1, lines: 10 } });
    expect(parsePOP3Command('TOP 1 0')).toMatchObject({ kind: 'command', command: { verb: 'TOP', message: 1, lines: 0 } });
    expect(parsePOP3Command('UIDL')).toMatchObject({ kind: 'command', command: { verb: 'UIDL' } });
    expect(parsePOP3Command('UIDL 2')).toMatchObject({ kind: 'command', command: { verb: 'UIDL', message: 2 } });
    expect(parsePOP3Command('CAPA')).toMatchObject({ kind: 'command', command: { verb: 'CAPA' } });
    expect(parsePOP3Command('STLS')).toMatchObject({ kind: 'command', command: { verb: 'STLS' }, states: ['AUTHORIZATION'] });
  });

  it('keeps a password verbatim, spaces and UTF-8 included', () => {
    const latin1 = Buffer.from('PASS  pässword with spaces ', 'utf8').toString('latin1');
    expect(parsePOP3Command(latin1)).toMatchObject({ command: { verb: 'PASS', secret: ' pässword with spaces ' } });
  });

  it('parses AUTH with and without an initial response (RFC 5034)', () => {
    expect(parsePOP3Command('AUTH')).toMatchObject({ kind: 'command', command: { verb: 'AUTH' } });
    expect(parsePOP3Command('AUTH plain')).toMatchObject({ kind: 'command', command: { verb: 'AUTH', mechanism: 'PLAIN' } });
    expect(parsePOP3Command('AUTH PLAIN AGFsaWNlAHNlY3JldA==')).toMatchObject({ command: { mechanism: 'PLAIN', initialResponse: 'AGFsaWNlAHNlY3JldA==' } });
    expect(parsePOP3Command('AUTH PLAIN =')).toMatchObject({ command: { mechanism: 'PLAIN', initialResponse: '=' } });
    expect(parsePOP3Command('AUTH PLAIN a!b')).toMatchObject({ kind: 'invalid', verb: 'AUTH' });
    expect(parsePOP3Command('AUTH PLAIN a b')).toMatchObject({ kind: 'invalid', verb: 'AUTH' });
  });

  it('refuses bad message numbers and arguments with a reason', () => {
    for (const line of ['RETR', 'RETR 0', 'RETR -1', 'RETR +1', 'RETR 1.5', 'RETR 0x10', 'RETR 99999999999', 'RETR 1 2', 'DELE a', 'LIST 1 2', 'TOP 1', 'TOP 1 -1', 'TOP x 1', 'STAT 1', 'USER', 'USER a b', 'PASS', 'NOOP x']) {
      const parsed = parsePOP3Command(line);
      expect(parsed.kind, line).toBe('invalid');
      if (parsed.kind === 'invalid') expect(parsed.message).not.toBe('');
    }
  });

  it('treats APOP and anything else as unknown, echoing only a short printable keyword', () => {
    expect(parsePOP3Command('APOP mrose c4c9334bac560ecc979e58001b3e22fb')).toEqual({ kind: 'unknown', keyword: 'APOP' });
    expect(parsePOP3Command('')).toEqual({ kind: 'unknown', keyword: '' });
    expect(parsePOP3Command('X\u0000\u001bY'.repeat(10))).toMatchObject({ kind: 'unknown', keyword: 'X??YX??YX??YX??Y' });
  });

  it('refuses control characters in arguments', () => {
    expect(parsePOP3Command('USER a\u0000b')).toMatchObject({ kind: 'invalid', message: 'Control characters are not allowed' });
    expect(parsePOP3Command('PASS a\rb')).toMatchObject({ kind: 'invalid' });
  });
});

describe('responses', () => {
  it('status lines carry RFC 3206 codes and never a second line', () => {
    expect(okLine()).toBe('+OK\r\n');
    expect(okLine('2 320')).toBe('+OK 2 320\r\n');
    expect(errLine('busy', { code: 'IN-USE' })).toBe('-ERR [IN-USE] busy\r\n');
    expect(errLine('x\r\n+OK forged')).toBe('-ERR x  +OK forged\r\n');
    expect(Buffer.byteLength(errLine('é'.repeat(600), { code: 'SYS/TEMP' }))).toBeLessThanOrEqual(512);
    expect(continuationLine(Buffer.from('Username:'))).toBe('+ VXNlcm5hbWU6\r\n');
  });

  it('multi-line responses stuff dots and end with a lone dot', () => {
    expect(multiLine('Capability list follows', ['TOP', '.hidden', 'a\r\n.\r\nb'])).toBe('+OK Capability list follows\r\nTOP\r\n..hidden\r\na  .  b\r\n.\r\n');
  });
});

function stuffAll(message: Buffer, cuts: number[]): string {
  const stuffer = new DotStuffer();
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, message.length]) {
    out.push(stuffer.push(message.subarray(from, cut)));
    from = cut;
  }
  out.push(stuffer.end());
  return Buffer.concat(out).toString('latin1');
}

describe('DotStuffer', () => {
  const message = Buffer.from('.starts with a dot\r\nmiddle\r\n.\r\n..two\r\nend. no stuffing.\r\n.', 'latin1');
  const stuffed = '..starts with a dot\r\nmiddle\r\n..\r\n...two\r\nend. no stuffing.\r\n..\r\n.\r\n';

  it('stuffs every line that starts with a dot at every chunk boundary', () => {
    expect(stuffAll(message, [])).toBe(stuffed);
    for (let a = 0; a <= message.length; a++) for (let b = a; b <= message.length; b++) expect(stuffAll(message, [a, b])).toBe(stuffed);
  });

  it('ends an empty message and one ending in CRLF with just the dot line', () => {
    expect(stuffAll(Buffer.alloc(0), [])).toBe('.\r\n');
    expect(stuffAll(Buffer.from('a\r\n'), [])).toBe('a\r\n.\r\n');
    expect(stuffAll(Buffer.from('a'), [])).toBe('a\r\n.\r\n');
  });
});

function top(message: string, lines: number, cuts: number[] = []): string {
  const limiter = new TopLimiter(lines);
  const input = Buffer.from(message, 'latin1');
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(limiter.push(input.subarray(from, cut)));
    from = cut;
  }
  return Buffer.concat(out).toString('latin1');
}

describe('TopLimiter', () => {
  const message = 'Subject: hi\r\nFrom: a@b\r\n\r\nline 1\r\nline 2\r\nline 3\r\n';
  it('passes the header, the blank line and n body lines, at every chunk boundary', () => {
    const want = (n: number): string => ['Subject: hi\r\nFrom: a@b\r\n\r\n', 'line 1\r\n', 'line 2\r\n', 'line 3\r\n'].slice(0, n + 1).join('');
    for (const n of [0, 1, 2, 3, 10]) {
      expect(top(message, n)).toBe(want(n));
      for (let a = 0; a <= message.length; a++) expect(top(message, n, [a])).toBe(want(n));
    }
  });

  it('passes a header without a body whole', () => {
    expect(top('Subject: x\r\n', 0)).toBe('Subject: x\r\n');
    expect(top('\r\nbody\r\nmore\r\n', 1)).toBe('\r\nbody\r\n');
  });
});
