import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIMAPDateTime } from './imap-date.js';
import {
  FetchResponseBuilder,
  continuation,
  continuationBase64,
  flagsList,
  formatIMAPDateTime,
  formatResponseText,
  imapAString,
  imapNString,
  imapQuoted,
  tagged,
  untagged,
  untaggedData,
} from './imap-response.js';
import type { IMAPStringOptions, ResponseValue } from './imap-response.js';
import { feed } from './imap-test-support.js';

const text = (buffer: Buffer): string => buffer.toString('utf8');
const bytes = (value: string | Buffer): Buffer => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);

/** The July 1996 instant of the RFC 3501 examples, shown at -0700. */
const JULY_17_1996 = Date.UTC(1996, 6, 17, 9, 44, 25);

describe('RFC 3501 §8 sample responses, byte for byte', () => {
  it('greeting, LOGIN and SELECT', () => {
    expect(text(untagged('OK', 'IMAP4rev1 Service Ready'))).toBe('* OK IMAP4rev1 Service Ready\r\n');
    expect(text(tagged('a001', 'OK', 'LOGIN completed'))).toBe('a001 OK LOGIN completed\r\n');
    expect(text(untaggedData([18, { atom: 'EXISTS' }]))).toBe('* 18 EXISTS\r\n');
    expect(text(untaggedData([{ atom: 'FLAGS' }, { list: ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map((atom) => ({ atom })) }]))).toBe(
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n',
    );
    expect(text(untaggedData([2, { atom: 'RECENT' }]))).toBe('* 2 RECENT\r\n');
    expect(text(untagged('OK', 'Message 17 is the first unseen message', { code: { name: 'UNSEEN', args: [17] } }))).toBe(
      '* OK [UNSEEN 17] Message 17 is the first unseen message\r\n',
    );
    expect(text(untagged('OK', 'UIDs valid', { code: { name: 'UIDVALIDITY', args: [3857529045] } }))).toBe('* OK [UIDVALIDITY 3857529045] UIDs valid\r\n');
    expect(text(tagged('a002', 'OK', 'SELECT completed', { code: { name: 'READ-WRITE' } }))).toBe('a002 OK [READ-WRITE] SELECT completed\r\n');
  });

  it('FETCH 12 FULL, with ENVELOPE and BODY built from values', () => {
    const washington = (name: string | null, user: string): ResponseValue => ({
      list: [name === null ? null : { string: name }, null, { string: user }, { string: 'cac.washington.edu' }],
    });
    const envelope: ResponseValue = {
      list: [
        { string: 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)' },
        { string: 'IMAP4rev1 WG mtg summary and minutes' },
        { list: [washington('Terry Gray', 'gray')] },
        { list: [washington('Terry Gray', 'gray')] },
        { list: [washington('Terry Gray', 'gray')] },
        { list: [washington(null, 'imap')] },
        {
          list: [
            { list: [null, null, { string: 'minutes' }, { string: 'CNRI.Reston.VA.US' }] },
            { list: [{ string: 'John Klensin' }, null, { string: 'KLENSIN' }, { string: 'MIT.EDU' }] },
          ],
        },
        null,
        null,
        { string: '<B27397-0100000@cac.washington.edu>' },
      ],
    };
    const body: ResponseValue = {
      list: [{ string: 'TEXT' }, { string: 'PLAIN' }, { list: [{ string: 'CHARSET' }, { string: 'US-ASCII' }] }, null, null, { string: '7BIT' }, 3028, 92],
    };
    const response = new FetchResponseBuilder(12)
      .flags(['\\Seen'])
      .internalDate(JULY_17_1996, -420)
      .rfc822Size(4286)
      .item('ENVELOPE', envelope)
      .item('BODY', body)
      .toBuffer();
    expect(text(response)).toBe(
      '* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ' +
        '"IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US") ' +
        '("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>") ' +
        'BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))\r\n',
    );
    expect(text(tagged('a003', 'OK', 'FETCH completed'))).toBe('a003 OK FETCH completed\r\n');
  });

  it('FETCH BODY[HEADER] as a literal, +FLAGS and LOGOUT', () => {
    const header = Buffer.from('Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n\r\n');
    const builder = new FetchResponseBuilder(12).body('BODY[HEADER]', header);
    expect(text(builder.toBuffer())).toBe(`* 12 FETCH (BODY[HEADER] {${header.length}}\r\n${header.toString()})\r\n`);
    // The body Buffer itself is handed on, not copied, so large bodies stream.
    expect(builder.toChunks()).toContain(header);
    expect(text(new FetchResponseBuilder(12).flags(['\\Seen']).toBuffer())).toBe('* 12 FETCH (FLAGS (\\Seen))\r\n');
    expect(text(tagged('a005', 'OK', '+FLAGS completed'))).toBe('a005 OK +FLAGS completed\r\n');
    expect(text(untagged('BYE', 'IMAP4rev1 server logging out'))).toBe('* BYE IMAP4rev1 server logging out\r\n');
  });

  it('other RFC 3501 §7 forms: PERMANENTFLAGS, continuation, LIST', () => {
    expect(text(untagged('OK', 'Limited', { code: { name: 'PERMANENTFLAGS', args: [{ list: [{ atom: '\\Deleted' }, { atom: '\\Seen' }, { atom: '\\*' }] }] } }))).toBe(
      '* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n',
    );
    expect(text(continuation('Ready for additional command text'))).toBe('+ Ready for additional command text\r\n');
    expect(text(untaggedData([{ atom: 'LIST' }, { list: [{ atom: '\\Noselect' }] }, { string: '/' }, { astring: '~/Mail/foo' }]))).toBe(
      '* LIST (\\Noselect) "/" ~/Mail/foo\r\n',
    );
    expect(text(continuationBase64(Buffer.alloc(0)))).toBe('+ \r\n');
  });
});

describe('response codes', () => {
  it('writes UIDPLUS, RFC 5530 and ALERT codes', () => {
    expect(text(tagged('A3', 'OK', 'APPEND completed', { code: { name: 'APPENDUID', args: [38505, 3955] } }))).toBe('A3 OK [APPENDUID 38505 3955] APPEND completed\r\n');
    expect(text(tagged('A4', 'NO', 'No such mailbox', { code: { name: 'NONEXISTENT' } }))).toBe('A4 NO [NONEXISTENT] No such mailbox\r\n');
    expect(text(untagged('OK', 'System shutdown in 10 minutes', { code: { name: 'ALERT' } }))).toBe('* OK [ALERT] System shutdown in 10 minutes\r\n');
    expect(text(untagged('OK', 'x', { code: { name: 'HIGHESTMODSEQ', args: [18446744073709551615n] } }))).toBe('* OK [HIGHESTMODSEQ 18446744073709551615] x\r\n');
  });

  it('refuses codes that would break the line or the brackets', () => {
    expect(() => tagged('A1', 'OK', 'x', { code: { name: 'ALERT] * BYE' } })).toThrow(RangeError);
    expect(() => tagged('A1', 'OK', 'x', { code: { name: 'X', args: [{ atom: 'a]b' }] } })).toThrow(RangeError);
    expect(() => tagged('A1', 'OK', 'x', { code: { name: 'X', args: [{ string: 'a\r\nb' }] } })).toThrow(RangeError);
    expect(() => tagged('A1', 'OK', 'x', { code: { name: 'X', args: [-1] } })).toThrow(RangeError);
  });

  it('refuses a tag that is not one', () => {
    expect(() => tagged('A1 OK x\r\n*', 'OK', 'x')).toThrow(RangeError);
    expect(() => tagged('+', 'OK', 'x')).toThrow(RangeError);
  });
});

describe('formatResponseText', () => {
  it('keeps a client-supplied mailbox name from injecting a line', () => {
    const mailbox = 'evil\r\nA2 OK [ALERT] pwned\r\n* BYE';
    const line = text(tagged('A1', 'NO', `Mailbox ${mailbox} does not exist`, { code: { name: 'NONEXISTENT' } }));
    expect(line.indexOf('\r\n')).toBe(line.length - 2);
    expect(line).toBe('A1 NO [NONEXISTENT] Mailbox evil A2 OK [ALERT] pwned * BYE does not exist\r\n');
  });

  it('never starts with a fake response code and is never empty', () => {
    expect(formatResponseText('[ALERT] hi')).toBe('(ALERT] hi');
    expect(formatResponseText('')).toBe('Done');
    expect(formatResponseText('\r\n')).toBe('Done');
  });

  it('keeps UTF-8 only after UTF8=ACCEPT', () => {
    expect(formatResponseText('Boîte reçue')).toBe('Bo?te re?ue');
    expect(formatResponseText('Boîte reçue', { utf8Accept: true })).toBe('Boîte reçue');
    expect(formatResponseText('a\x00b\x1bc')).toBe('a b?c');
  });

  it('never lets CR or LF through (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (value, utf8Accept) => {
        const line = text(untagged('NO', value, { utf8Accept }));
        expect(line.indexOf('\r')).toBe(line.length - 2);
        expect(line.indexOf('\n')).toBe(line.length - 1);
      }),
    );
  });
});

describe('imapAString, imapQuoted, imapNString', () => {
  it.each<[string, string]>([
    ['INBOX', 'INBOX'],
    ['Archive.2024', 'Archive.2024'],
    ['Sent Items', '"Sent Items"'],
    ['', '""'],
    ['NIL', '"NIL"'],
    ['nil', '"nil"'],
    ['123', '"123"'],
    ['1:*', '"1:*"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['Work[2024]', '"Work[2024]"'],
    ['%', '"%"'],
    ['~/Mail/foo', '~/Mail/foo'],
    ['$', '"$"'],
    ['*', '"*"'],
    ['~{3}', '"~{3}"'],
  ])('%j is %s', (value, expected) => {
    expect(imapAString(value)).toBe(expected);
  });

  it('uses a literal for CR, LF and NUL, counted in bytes', () => {
    expect(text(bytes(imapAString('a\r\nb')))).toBe('{4}\r\na\r\nb');
    expect(text(bytes(imapAString('a\nb')))).toBe('{3}\r\na\nb');
    expect(bytes(imapAString(Buffer.from([0x61, 0x00])))).toEqual(Buffer.from('{2}\r\na\0'));
    expect(text(bytes(imapAString('é\r\n', { utf8Accept: true })))).toBe('{4}\r\né\r\n');
  });

  it('quotes UTF-8 only after UTF8=ACCEPT, and never invalid UTF-8', () => {
    expect(text(bytes(imapAString('Entwürfe')))).toBe('{9}\r\nEntwürfe');
    expect(imapAString('Entwürfe', { utf8Accept: true })).toBe('"Entwürfe"');
    expect(bytes(imapAString(Buffer.from([0xff, 0x41]), { utf8Accept: true }))).toEqual(Buffer.from([0x7b, 0x32, 0x7d, 0x0d, 0x0a, 0xff, 0x41]));
  });

  it('imapQuoted escapes and refuses what a quoted string cannot carry', () => {
    expect(imapQuoted('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(() => imapQuoted('a\r\n')).toThrow(RangeError);
    expect(() => imapQuoted('a\0')).toThrow(RangeError);
    expect(() => imapQuoted('é')).toThrow(RangeError);
    expect(imapQuoted('é', { utf8Accept: true })).toBe('"é"');
  });

  it('imapNString is NIL or a string, never an atom', () => {
    expect(imapNString(null)).toBe('NIL');
    expect(imapNString(undefined)).toBe('NIL');
    expect(imapNString('INBOX')).toBe('"INBOX"');
    expect(imapNString('NIL')).toBe('"NIL"');
  });

  /** What the existing command parser reads back from `A1 X <value>\r\n`. */
  function readBack(serialized: string | Buffer): Buffer {
    const events = feed([Buffer.concat([Buffer.from('A1 X '), bytes(serialized), Buffer.from('\r\n')])]);
    const commands = events.flatMap((event) => (event.kind === 'command' ? [event.command] : []));
    expect(commands).toHaveLength(1);
    const [arg, ...rest] = commands[0]?.args ?? [];
    expect(rest).toHaveLength(0);
    if (arg?.type === 'atom' && !arg.section && !arg.partial) return Buffer.from(arg.value, 'latin1');
    if (arg?.type === 'string') return arg.value;
    throw new Error(`read back as ${JSON.stringify(arg)}`);
  }

  it('round-trips any value through the command parser (property)', () => {
    const options = fc.record<IMAPStringOptions>({ utf8Accept: fc.boolean() });
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...'aZ09 "\\\r\n{}()[]<>*%NIL:,.-+é\0'.split('')) }),
      fc.uint8Array({ maxLength: 40 }).map((array) => Buffer.from(array)),
    );
    fc.assert(
      fc.property(value, options, (input, opts) => {
        expect(readBack(imapAString(input, opts))).toEqual(bytes(input));
        expect(readBack(imapNString(input, opts))).toEqual(bytes(input));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatIMAPDateTime', () => {
  it('writes the RFC 3501 INTERNALDATE example', () => {
    expect(formatIMAPDateTime(JULY_17_1996, -420)).toBe('17-Jul-1996 02:44:25 -0700');
    expect(formatIMAPDateTime(JULY_17_1996)).toBe('17-Jul-1996 09:44:25 +0000');
  });

  it('space-pads a one-digit day (date-day-fixed) and shows eastern zones', () => {
    expect(formatIMAPDateTime(Date.UTC(1999, 11, 31, 23, 0, 0), 90)).toBe(' 1-Jan-2000 00:30:00 +0130');
  });

  it('refuses what cannot be written', () => {
    expect(() => formatIMAPDateTime(Number.NaN)).toThrow(RangeError);
    expect(() => formatIMAPDateTime(0, 100 * 60)).toThrow(RangeError);
    expect(() => formatIMAPDateTime(0, 1.5)).toThrow(RangeError);
    expect(() => formatIMAPDateTime(Date.UTC(10000, 0, 1))).toThrow(RangeError);
  });

  it('round-trips through parseIMAPDateTime (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9998, 0, 1) / 1000 }), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }), (seconds, offset) => {
        const parsed = parseIMAPDateTime(formatIMAPDateTime(seconds * 1000, offset));
        expect(parsed).toEqual({ date: new Date(seconds * 1000), offsetMinutes: offset });
      }),
    );
  });
});

describe('flagsList and FetchResponseBuilder', () => {
  it('writes flags and keywords, refusing anything that is not an atom', () => {
    expect(flagsList([])).toBe('()');
    expect(flagsList(['\\Seen', '$Forwarded', 'Junk'])).toBe('(\\Seen $Forwarded Junk)');
    for (const bad of ['a b', 'a)', 'a\r\n', '', '\\', 'a]', 'ü', '"x"']) expect(() => flagsList([bad])).toThrow(RangeError);
  });

  it('writes UID, FLAGS, RFC822.SIZE and a body literal in order', () => {
    const body = Buffer.from('Subject: hi\r\n\r\n');
    expect(text(new FetchResponseBuilder(12).uid(42).flags(['\\Seen']).rfc822Size(4286).body('BODY[HEADER]', body).toBuffer())).toBe(
      `* 12 FETCH (UID 42 FLAGS (\\Seen) RFC822.SIZE 4286 BODY[HEADER] {15}\r\nSubject: hi\r\n\r\n)\r\n`,
    );
    expect(text(new FetchResponseBuilder(1).body('BODY[HEADER.FIELDS (FROM TO)]<0>', Buffer.alloc(0)).modseq(7n).toBuffer())).toBe(
      '* 1 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> {0}\r\n MODSEQ (7))\r\n',
    );
    expect(text(new FetchResponseBuilder(1).body('BODY[2]', null).toBuffer())).toBe('* 1 FETCH (BODY[2] NIL)\r\n');
  });

  it('keeps 8-bit bodies byte for byte', () => {
    const body = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80]);
    const out = new FetchResponseBuilder(3).body('BODY[]', body).toBuffer();
    expect(out).toEqual(Buffer.concat([Buffer.from('* 3 FETCH (BODY[] {5}\r\n'), body, Buffer.from(')\r\n')]));
  });

  it('refuses bad item names and sequence numbers', () => {
    expect(() => new FetchResponseBuilder(1).item('UID)\r\n* BYE', 1)).toThrow(RangeError);
    expect(() => new FetchResponseBuilder(1).item('BODY[]]', 1)).toThrow(RangeError);
    expect(() => new FetchResponseBuilder(0)).toThrow(RangeError);
  });
});
