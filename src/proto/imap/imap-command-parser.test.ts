import { describe, expect, it } from 'vitest';
import { IMAPCommandParser, LITERAL_MINUS_MAX_BYTES } from './imap-command-parser.js';
import type { ParseEvent } from './imap-command-parser.js';
import type { IMAPCommand } from './imap-value.js';
import { APPEND_EXAMPLE, atom, feed, list, nil, seq, splits, str } from './imap-test-support.js';


const command = (c: IMAPCommand): ParseEvent => ({ kind: 'command', command: c });
const continuation = (tag: string, literalSize: number): ParseEvent => ({ kind: 'continuation-needed', tag, literalSize });

/** RFC 3501 §6 and §8 examples (and a few of the same shape), with the events each must produce. */
const EXAMPLES: Array<[string, string | Buffer, ParseEvent[]]> = [
  ['LOGIN with atoms', 'a001 LOGIN SMITH SESAME\r\n', [command({ tag: 'a001', name: 'LOGIN', args: [atom('SMITH'), atom('SESAME')] })]],
  [
    'LOGIN with a quoted password holding escapes',
    'a002 login "fred" "foo \\"bar\\" \\\\ baz"\r\n',
    [command({ tag: 'a002', name: 'LOGIN', args: [str('fred'), str('foo "bar" \\ baz')] })],
  ],
  [
    'LOGIN with literals (RFC 3501 §8)',
    'A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n',
    [continuation('A001', 11), continuation('A001', 7), command({ tag: 'A001', name: 'LOGIN', args: [str('FRED FOOBAR'), str('fat man')] })],
  ],
  [
    'LOGIN with non-synchronising literals (RFC 7888)',
    'A1 LOGIN {4+}\r\nuser {4+}\r\np\r\n!\r\n',
    [command({ tag: 'A1', name: 'LOGIN', args: [str('user'), str('p\r\n!')] })],
  ],
  ['SELECT', 'A142 SELECT INBOX\r\n', [command({ tag: 'A142', name: 'SELECT', args: [atom('INBOX')] })]],
  ['SELECT of a bare name with brackets', 'A2 SELECT [Gmail]/Drafts\r\n', [command({ tag: 'A2', name: 'SELECT', args: [atom('[Gmail]/Drafts')] })]],
  [
    'FETCH BODY[HEADER.FIELDS (DATE FROM)] (RFC 3501 §6.4.5)',
    'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n',
    [
      command({
        tag: 'A654',
        name: 'FETCH',
        args: [seq('2:4'), list(atom('FLAGS'), { type: 'atom', value: 'BODY', section: [atom('HEADER.FIELDS'), list(atom('DATE'), atom('FROM'))] })],
      }),
    ],
  ],
  [
    'FETCH BODY.PEEK with a partial, BODY[] and a MIME part',
    'a5 fetch 1,3:* (BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> BODY[] BODY[1.2.MIME] RFC822.SIZE)\r\n',
    [
      command({
        tag: 'a5',
        name: 'FETCH',
        args: [
          seq('1,3:*'),
          list(
            { type: 'atom', value: 'BODY.PEEK', section: [atom('HEADER.FIELDS'), list(atom('FROM'), atom('TO'))], partial: { start: 0, length: 100 } },
            { type: 'atom', value: 'BODY', section: [] },
            { type: 'atom', value: 'BODY', section: [atom('1.2.MIME')] },
            atom('RFC822.SIZE'),
          ),
        ],
      }),
    ],
  ],
  [
    'STORE +FLAGS (\\Deleted) (RFC 3501 §6.4.6)',
    'A003 STORE 2:4 +FLAGS (\\Deleted)\r\n',
    [command({ tag: 'A003', name: 'STORE', args: [seq('2:4'), atom('+FLAGS'), list(atom('\\Deleted'))] })],
  ],
  [
    'APPEND with flags, a date-time and a literal (RFC 3501 §6.3.11)',
    `A003 APPEND saved-messages (\\Seen) "17-Jul-1996 02:44:25 -0700" {${Buffer.byteLength(APPEND_EXAMPLE)}}\r\n${APPEND_EXAMPLE}\r\n`,
    [
      continuation('A003', Buffer.byteLength(APPEND_EXAMPLE)),
      command({ tag: 'A003', name: 'APPEND', args: [atom('saved-messages'), list(atom('\\Seen')), str('17-Jul-1996 02:44:25 -0700'), str(APPEND_EXAMPLE)] }),
    ],
  ],
  [
    'SEARCH (RFC 3501 §6.4.4)',
    'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
    [command({ tag: 'A282', name: 'SEARCH', args: [atom('FLAGGED'), atom('SINCE'), atom('1-Feb-1994'), atom('NOT'), atom('FROM'), str('Smith')] })],
  ],
  [
    'SEARCH CHARSET with an 8-bit literal (RFC 3501 §6.4.4)',
    Buffer.concat([Buffer.from('A284 SEARCH CHARSET UTF-8 TEXT {12}\r\n'), Buffer.from('Привет', 'utf8'), Buffer.from('\r\n')]),
    [continuation('A284', 12), command({ tag: 'A284', name: 'SEARCH', args: [atom('CHARSET'), atom('UTF-8'), atom('TEXT'), str(Buffer.from('Привет', 'utf8'))] })],
  ],
  [
    'UID FETCH 1:* (RFC 3501 §6.4.8)',
    'A999 UID FETCH 1:* (FLAGS UID)\r\n',
    [command({ tag: 'A999', name: 'UID', args: [atom('FETCH'), seq('1:*'), list(atom('FLAGS'), atom('UID'))] })],
  ],
  [
    'LIST with NIL-free patterns; a bare * reads as a sequence set',
    'A101 LIST "" %\r\nA102 LIST "" *\r\n',
    [
      command({ tag: 'A101', name: 'LIST', args: [str(''), atom('%')] }),
      command({ tag: 'A102', name: 'LIST', args: [str(''), seq('*')] }),
    ],
  ],
  ['NIL and an empty list', 'x STATUS NIL ()\r\n', [command({ tag: 'x', name: 'STATUS', args: [nil, list()] })]],
  ['a tag holding ]', 'a]1 NOOP\r\n', [command({ tag: 'a]1', name: 'NOOP', args: [] })]],
  [
    'LF-only line ends and a stray empty line',
    'a1 NOOP\n\r\na2 LOGIN {3}\nabc\n',
    [command({ tag: 'a1', name: 'NOOP', args: [] }), continuation('a2', 3), command({ tag: 'a2', name: 'LOGIN', args: [str('abc')] })],
  ],
];

describe('IMAPCommandParser on RFC 3501 examples', () => {
  for (const [title, input, expected] of EXAMPLES) {
    it(`${title}, fed whole and split at every byte`, () => {
      const bytes = Buffer.from(input);
      expect(feed([bytes])).toEqual(expected);
      for (const chunks of splits(bytes)) expect(feed(chunks)).toEqual(expected);
    });
  }
});

function expectSameAtEverySplit(input: string, options?: ConstructorParameters<typeof IMAPCommandParser>[0]): ParseEvent[] {
  const bytes = Buffer.from(input);
  const whole = feed([bytes], options);
  for (const chunks of splits(bytes)) expect(feed(chunks, options)).toEqual(whole);
  return whole;
}

describe('IMAPCommandParser on bad input', () => {
  it.each(['+1 NOOP', '*1 NOOP', 'a*b NOOP', 'a%b NOOP', 'a"b NOOP', 'a(b NOOP', 'a{b NOOP', 'a\\b NOOP', 'a\x01 NOOP', 'a\xff NOOP'])(
    'refuses the tag of %j with an untagged error',
    (line) => {
      const events = feed([Buffer.concat([Buffer.from(line, 'latin1'), Buffer.from('\r\nok NOOP\r\n')])]);
      expect(events).toEqual([
        { kind: 'error', tag: null, message: expect.stringContaining('tag') as unknown as string },
        command({ tag: 'ok', name: 'NOOP', args: [] }),
      ]);
    },
  );

  it('never asks for a literal of a command whose tag is bad', () => {
    expect(expectSameAtEverySplit('+x LOGIN {5}\r\nA1 NOOP\r\n')).toEqual([
      { kind: 'error', tag: null, message: 'Invalid or missing tag' },
      command({ tag: 'A1', name: 'NOOP', args: [] }),
    ]);
  });

  it('answers unbalanced parentheses with a tagged error and resumes at the next line', () => {
    expect(expectSameAtEverySplit('A1 FETCH 1 (FLAGS (UID)\r\nA2 FETCH 1 (FLAGS))\r\nA3 NOOP\r\n')).toEqual([
      { kind: 'error', tag: 'A1', message: 'Unbalanced parenthesis' },
      { kind: 'error', tag: 'A2', message: 'Expected a space between arguments' },
      command({ tag: 'A3', name: 'NOOP', args: [] }),
    ]);
  });

  it.each([
    ['A1\r\n', 'Missing command'],
    ['A1 \r\n', 'Missing command'],
    ['A1 NO*OP\r\n', 'Invalid command name'],
    ['A1 LOGIN  a\r\n', 'Invalid character in argument'],
    ['A1 LOGIN "a\r\n', 'Unterminated quoted string'],
    ['A1 LOGIN "a\\n"\r\n', 'Invalid escape in quoted string'],
    ['A1 LOGIN a{3}\r\nabc\r\n', 'Invalid character in argument'],
    ['A1 LOGIN a\\b\r\n', 'Invalid character in argument'],
    [`A1 X ${'('.repeat(100)}${')'.repeat(100)}\r\n`, 'Lists nested too deeply'],
  ])('answers %j with a tagged error', (input, message) => {
    const events = expectSameAtEverySplit(input);
    expect(events[events.length - 1]).toEqual({ kind: 'error', tag: 'A1', message });
  });

  // Found by the fuzz: each level tried its section again after the one inside failed, so 24
  // levels took 19 s and 32 over an hour, on one line sent before login.
  it('reads nested unclosed sections (BODY[1 BODY[1 …) in time linear in the line', () => {
    for (const depth of [22, 9000]) {
      const started = performance.now();
      const [event] = feed([Buffer.from(`A1 FETCH 1 ${'BODY[1 '.repeat(depth)}ALL\r\n`)]);
      expect(performance.now() - started).toBeLessThan(2000);
      // Not sections: plain tokens, which FETCH's grammar then refuses.
      expect(event).toMatchObject({ kind: 'command', command: { tag: 'A1', name: 'FETCH' } });
    }
    // A `[` that opens no section still belongs to its token, inside a section too.
    expect(feed([Buffer.from('A1 FETCH 1 BODY[HEADER.FIELDS (X[1)]\r\n')])).toEqual([
      command({ tag: 'A1', name: 'FETCH', args: [seq('1'), { type: 'atom', value: 'BODY', section: [atom('HEADER.FIELDS'), list(atom('X[1'))] }] }),
    ]);
  });

  it('refuses binary literals ~{n} outside APPEND and skips a non-synchronising one', () => {
    expect(expectSameAtEverySplit('A1 SELECT ~{5}\r\nA2 LOGIN ~{3+}\r\nabc\r\nA3 NOOP\r\n')).toEqual([
      { kind: 'error', tag: 'A1', message: 'Binary literals are not supported' },
      { kind: 'error', tag: 'A2', message: 'Binary literals are not supported' },
      command({ tag: 'A3', name: 'NOOP', args: [] }),
    ]);
  });

  it('takes a literal8 in APPEND (RFC 3516 §4.4), NUL bytes included, and marks it', () => {
    expect(expectSameAtEverySplit('A1 append INBOX ~{3}\r\na\x00b\r\nA2 APPEND INBOX (\\Seen) ~{2+}\r\nxy\r\n')).toEqual([
      continuation('A1', 3),
      command({ tag: 'A1', name: 'APPEND', args: [atom('INBOX'), { type: 'string', value: Buffer.from('a\x00b'), binary: true }] }),
      command({ tag: 'A2', name: 'APPEND', args: [atom('INBOX'), list(atom('\\Seen')), { type: 'string', value: Buffer.from('xy'), binary: true }] }),
    ]);
  });

  it('takes a literal8 as RFC 6855 APPEND data: UTF8 (~{n})', () => {
    expect(expectSameAtEverySplit('A1 APPEND INBOX UTF8 (~{3}\r\nabc)\r\nA2 APPEND INBOX utf8 (~{2+}\r\nxy)\r\n')).toEqual([
      continuation('A1', 3),
      command({ tag: 'A1', name: 'APPEND', args: [atom('INBOX'), atom('UTF8'), list({ type: 'string', value: Buffer.from('abc'), binary: true })] }),
      command({ tag: 'A2', name: 'APPEND', args: [atom('INBOX'), atom('utf8'), list({ type: 'string', value: Buffer.from('xy'), binary: true })] }),
    ]);
  });
});

describe('IMAPCommandParser limits', () => {
  it('reports a line longer than maxLineBytes once, skips it and parses the next command', () => {
    const input = `A1 LOGIN ${'x'.repeat(200)}\r\nA2 NOOP\r\n`;
    expect(expectSameAtEverySplit(input, { maxLineBytes: 64 })).toEqual([
      { kind: 'too-long', tag: 'A1', what: 'line', limit: 64 },
      command({ tag: 'A2', name: 'NOOP', args: [] }),
    ]);
  });

  it('reports a too-long line before its end arrives, so the server need not wait', () => {
    const parser = new IMAPCommandParser({ maxLineBytes: 1000 });
    expect(parser.push(Buffer.from(`A1 X ${'y'.repeat(5000)}`))).toEqual([{ kind: 'too-long', tag: 'A1', what: 'line', limit: 1000 }]);
    expect(parser.push(Buffer.alloc(1_000_000, 0x79))).toEqual([]);
    expect(parser.push(Buffer.from('\r\nA2 NOOP\r\n'))).toEqual([command({ tag: 'A2', name: 'NOOP', args: [] })]);
  });

  it('refuses a synchronising literal above maxLiteralBytes without a continuation', () => {
    expect(expectSameAtEverySplit('A1 APPEND INBOX {100}\r\nA2 NOOP\r\n', { maxLiteralBytes: 99 })).toEqual([
      { kind: 'too-long', tag: 'A1', what: 'literal', limit: 99, size: 100 },
      command({ tag: 'A2', name: 'NOOP', args: [] }),
    ]);
  });

  it('skips the bytes of a non-synchronising literal above the LITERAL- limit (RFC 7888 §4)', () => {
    const input = `A1 APPEND INBOX {4097+}\r\n${'A9 NOOP\r\n'.repeat(455)}xx\r\nA2 NOOP\r\n`;
    expect(Buffer.byteLength(input) - Buffer.byteLength('A1 APPEND INBOX {4097+}\r\n\r\nA2 NOOP\r\n')).toBe(4097);
    const events = feed([Buffer.from(input)], { maxNonSynchronizingLiteralBytes: LITERAL_MINUS_MAX_BYTES });
    expect(events).toEqual([
      { kind: 'too-long', tag: 'A1', what: 'non-synchronizing-literal', limit: 4096, size: 4097 },
      command({ tag: 'A2', name: 'NOOP', args: [] }),
    ]);
  });

  it('bounds a command made of many small literals by maxCommandBytes', () => {
    const input = `A1 X ${'{10+}\r\n0123456789 '.repeat(20)}end\r\nA2 NOOP\r\n`;
    const events = expectSameAtEverySplit(input, { maxCommandBytes: 200 });
    expect(events).toEqual([
      { kind: 'too-long', tag: 'A1', what: 'command', limit: 200, size: expect.any(Number) as unknown as number },
      command({ tag: 'A2', name: 'NOOP', args: [] }),
    ]);
  });

  it('emits a continuation as soon as the literal header line is complete', () => {
    const parser = new IMAPCommandParser();
    expect(parser.push(Buffer.from('A1 LOGIN {3}'))).toEqual([]);
    expect(parser.push(Buffer.from('\r\n'))).toEqual([continuation('A1', 3)]);
    expect(parser.push(Buffer.from('bob {0}\r\n'))).toEqual([continuation('A1', 0)]);
    expect(parser.push(Buffer.from('\r\n'))).toEqual([command({ tag: 'A1', name: 'LOGIN', args: [str('bob'), str('')] })]);
  });
});

describe('IMAPCommandParser and absurd non-synchronising literals', () => {
  it('does not swallow the connection for a {n+} larger than any literal it accepts', () => {
    expect(expectSameAtEverySplit('A1 APPEND INBOX {99999999999+}\r\nA2 NOOP\r\n', { maxLiteralBytes: 1000 })).toEqual([
      { kind: 'too-long', tag: 'A1', what: 'literal', limit: 1000, size: 99999999999 },
      command({ tag: 'A2', name: 'NOOP', args: [] }),
    ]);
  });
});

describe('IMAPCommandParser.midCommand', () => {
  it('is true from a command\'s first byte to its last line end, through literals and the line after one', () => {
    const parser = new IMAPCommandParser();
    const states: boolean[] = [];
    for (const piece of ['A1 APP', 'END INBOX {3+}\r\n', 'abc', ' more', '\r\n']) {
      parser.push(Buffer.from(piece));
      states.push(parser.midCommand);
    }
    expect(states).toEqual([true, true, true, true, false]);
  });

  it('stays true while a refused command\'s non-synchronising literal is skipped, false once it ends', () => {
    const parser = new IMAPCommandParser({ maxLineBytes: 64 });
    parser.push(Buffer.from(`A1 NOOP ${'x'.repeat(100)} {4+}\r\n`));
    expect(parser.midCommand).toBe(true);
    parser.push(Buffer.from('abcd\r\n'));
    expect(parser.midCommand).toBe(false);
  });
});
