import { describe, expect, it } from 'vitest';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { IMAPRefusal } from '../imap-refusal.js';
import { atom, commandOf, list, nil, seq, str } from '../imap-test-support.js';
import { arg, astring, astringBytes, decodedMailboxName, expectArgCount, keyword, mailboxName, numberArg, sequenceSet } from './command-args.js';
import { foldUIDSubcommand } from './uid-subcommand.js';

const bad = (message: string): IMAPSyntaxError => new IMAPSyntaxError(message);

describe('argument readers', () => {
  it('read astrings: atoms, quoted strings, literals, and NIL or a number as their text (RFC 3501 §9)', () => {
    expect([atom('SMITH'), str('fred'), nil, seq('42'), seq('1:*')].map(astring)).toEqual(['SMITH', 'fred', 'NIL', '42', '1:*']);
    expect(() => astring(list(atom('a')))).toThrow(bad('Expected a string, got a list'));
    expect(() => astring({ type: 'atom', value: 'BODY', section: [] })).toThrow(bad('Unexpected section'));
    expect(astringBytes(str(Buffer.from([0xff, 0x00])))).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('read keywords upper-cased, and numbers up to 2^53 only', () => {
    expect(keyword(atom('condstore'))).toBe('CONDSTORE');
    expect(keyword(nil)).toBe('NIL');
    expect(() => keyword(str('CONDSTORE'))).toThrow(bad('Expected a keyword'));
    expect(numberArg(seq('4294967295'))).toBe(4294967295);
    expect(numberArg(atom('9007199254740991'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => numberArg(atom('9007199254740992'))).toThrow(bad('Number too large'));
    expect(() => numberArg(atom('12345678901234567890'))).toThrow(bad('Expected a number'));
    expect(() => numberArg(seq('1:2'))).toThrow(bad('Expected a number'));
    expect(() => sequenceSet(atom('INBOX'))).toThrow(bad('Expected a sequence set'));
  });

  it('count arguments and name a missing one by its command', () => {
    const command = commandOf('a RENAME x\r\n');
    expect(() => expectArgCount(command, 2)).toThrow(bad('RENAME takes 2 arguments'));
    expect(() => expectArgCount(command, 0)).toThrow(bad('RENAME takes 0 arguments'));
    expect(() => expectArgCount(command, 2, 3)).toThrow(bad('RENAME takes 2 to 3 arguments'));
    expect(() => arg(command, 1)).toThrow(bad('RENAME: missing argument'));
  });

  it('read mailbox names in modified UTF-7 (RFC 3501 §5.1.3) until UTF-8 is enabled', () => {
    expect(mailboxName(atom('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), { utf8: false })).toBe('~peter/mail/台北/日本語');
    expect(mailboxName(str('&U,BTFw-'), { utf8: true })).toBe('&U,BTFw-');
    expect(mailboxName(str('台北'), { utf8: true })).toBe('台北');
    // Well formed, naming nothing: a NO [CANNOT], not a BAD.
    expect(() => mailboxName(atom('&Jjo!'), { utf8: false })).toThrow(new IMAPRefusal('Invalid modified UTF-7 in mailbox name', 'CANNOT'));
    expect(decodedMailboxName(atom('&Jjo!'), { utf8: false })).toBeUndefined();
    expect(() => mailboxName(str('bé'), { utf8: false })).toThrow(bad('Mailbox names must be modified UTF-7 unless UTF8=ACCEPT is enabled'));
  });
});

describe('foldUIDSubcommand', () => {
  it('names a UID command by its subcommand and hands it its own arguments (RFC 3501 §6.4.8)', () => {
    expect(foldUIDSubcommand(commandOf('a uid fetch 1:* FLAGS\r\n'))).toEqual({ tag: 'a', name: 'UID FETCH', args: [seq('1:*'), atom('FLAGS')] });
    expect(foldUIDSubcommand(commandOf('a UID NOPE\r\n'))).toEqual({ tag: 'a', name: 'UID NOPE', args: [] });
  });

  it('leaves other commands as they are, and finds no subcommand in a bare UID, a number or a section', () => {
    const noop = commandOf('a NOOP\r\n');
    expect(foldUIDSubcommand(noop)).toBe(noop);
    for (const text of ['a UID\r\n', 'a UID 1\r\n', 'a UID (FETCH)\r\n', 'a UID FETCH[] 1\r\n']) expect(foldUIDSubcommand(commandOf(text))).toBeUndefined();
  });
});
