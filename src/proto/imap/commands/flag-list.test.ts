import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { atom, list, nil, seq, str } from '../imap-test-support.js';
import { MAX_KEYWORD_LENGTH, flagList, isFlagKeyword, systemFlag } from './flag-list.js';

describe('flag keywords (RFC 3501 §9 flag-keyword = atom)', () => {
  it('takes the keywords of RFC 9051 §2.3.2 and any atom', () => {
    for (const keyword of ['$MDNSent', '$Forwarded', '$Junk', '$NotJunk', '$Phishing', 'NonJunk', 'a}b', "it's", '[Label']) {
      expect(isFlagKeyword(keyword)).toBe(true);
    }
  });

  it('refuses the atom-specials, non-ASCII, the empty string and anything over MAX_KEYWORD_LENGTH', () => {
    for (const special of ['(', ')', '{', ' ', '%', '*', '"', '\\', ']', '\x00', '\x1f', '\x7f', 'é']) expect(isFlagKeyword(`a${special}b`)).toBe(false);
    expect(isFlagKeyword('')).toBe(false);
    expect(isFlagKeyword('\\Seen')).toBe(false);
    expect(isFlagKeyword('k'.repeat(MAX_KEYWORD_LENGTH))).toBe(true);
    expect(isFlagKeyword('k'.repeat(MAX_KEYWORD_LENGTH + 1))).toBe(false);
  });

  it('agrees with the ABNF character by character', () => {
    const specials = new Set('(){ %*"\\]');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x2ff }), (code) => {
        const ch = String.fromCharCode(code);
        const atomChar = code > 0x20 && code < 0x7f && !specials.has(ch);
        expect(isFlagKeyword(`x${ch}`)).toBe(atomChar);
      }),
    );
  });
});

describe('flagList', () => {
  it('reads RFC 3501 §6.4.6 flag lists: system flags in any case, keywords as sent', () => {
    expect(flagList(list(atom('\\Seen'), atom('\\DELETED'), atom('$Label1')))).toEqual({ seen: true, deleted: true, keywords: ['$Label1'] });
    expect(flagList(atom('\\answered'))).toEqual({ answered: true, keywords: [] });
  });

  it('ignores \\Recent, which only the server sets (RFC 3501 §2.3.2), and refuses other backslash flags', () => {
    expect(flagList(list(atom('\\Recent'), atom('\\Draft')))).toEqual({ draft: true, keywords: [] });
    expect(() => flagList(atom('\\Important'))).toThrow(new IMAPSyntaxError('Invalid flag \\Important'));
    expect(() => flagList(list(str('x')))).toThrow(new IMAPSyntaxError('Expected a flag'));
    expect(() => flagList(atom(`bad%${'x'.repeat(100)}`))).toThrow(new IMAPSyntaxError(`Invalid flag bad%${'x'.repeat(36)}`));
  });

  it('takes NIL and numbers as keywords: they are atoms (RFC 3501 §9), whatever the parser guessed', () => {
    expect(flagList(nil)).toEqual({ keywords: ['NIL'] });
    expect(flagList(list(seq('42'), atom('$x')))).toEqual({ keywords: ['42', '$x'] });
  });

  it('names the five system flags and nothing else', () => {
    expect(['\\Seen', '\\answered', '\\FLAGGED', '\\Deleted', '\\Draft'].map(systemFlag)).toEqual(['seen', 'answered', 'flagged', 'deleted', 'draft']);
    expect(systemFlag('\\Recent')).toBeUndefined();
    expect(systemFlag('Seen')).toBeUndefined();
    expect(systemFlag('\\__proto__')).toBeUndefined();
  });
});
