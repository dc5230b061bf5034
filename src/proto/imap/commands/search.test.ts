import { describe, expect, it } from 'vitest';
import { requestOf, requestWhateverTheSplit, syntaxErrorOf } from '../imap-test-support.js';
import type { IMAPCommandSpec } from './imap-command-spec.js';
import type { SearchRequest } from './search.js';
import { SEARCH, UID_SEARCH } from './search.js';
import type { SearchKey, SearchQuery } from './search-query.js';
import { searchNeeds } from './search-query.js';

const grammarOf = (text: string | Buffer): IMAPCommandSpec<SearchRequest> => (/^\S+ UID /i.test(text.toString()) ? UID_SEARCH : SEARCH);
const search = (text: string | Buffer): SearchRequest => requestOf(grammarOf(text), text);
const searchError = (text: string): string | undefined => syntaxErrorOf(grammarOf(text), text);

function queryOf(text: string): SearchQuery {
  const request = search(text);
  if (!('query' in request)) throw new Error('unsupported charset');
  return request.query;
}

/** Days since 1970-01-01, as date keys hold them. */
const day = (year: number, month: number, date: number): number => Date.UTC(year, month - 1, date) / 86_400_000;

describe('SEARCH grammar', () => {
  it('reads RFC 3501 §6.4.4: TEXT "string not in mailbox", and a CHARSET with a literal', () => {
    expect(queryOf('A283 SEARCH TEXT "string not in mailbox"\r\n')).toEqual({ key: { kind: 'text', text: 'string not in mailbox' } });
    expect(queryOf('A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n')).toEqual({ key: { kind: 'text', text: 'XXXXXX' } });
    expect(search(Buffer.from('A285 SEARCH CHARSET utf-8 SUBJECT {6}\r\nhéllo\r\n'))).toMatchObject({ query: { key: { kind: 'indexed', field: 'subject', text: 'héllo' } } });
  });

  it('answers a CHARSET it cannot search in with that alone, the keys unread (RFC 3501 §6.4.4 BADCHARSET)', () => {
    expect(search('A286 SEARCH CHARSET ISO-2022-JP FUZZY\r\n')).toEqual({ tag: 'A286', name: 'SEARCH', uid: false, unsupportedCharset: true });
  });

  it('reads RETURN options (ESEARCH, RFC 4731 §3.1), ALL for an empty list and each option once', () => {
    expect(queryOf('A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n').returnOptions).toEqual(['MIN', 'COUNT']);
    expect(queryOf('A283 SEARCH RETURN () FLAGGED\r\n').returnOptions).toEqual([]);
    expect(queryOf('A284 SEARCH RETURN (ALL MAX ALL) ALL\r\n').returnOptions).toEqual(['ALL', 'MAX']);
    expect(queryOf('A285 SEARCH ALL\r\n').returnOptions).toBeUndefined();
    expect(searchError('a SEARCH RETURN (SAVE) ALL\r\n')).toBe('Unknown SEARCH RETURN option SAVE');
  });

  it('reads RFC 7162 §3.1.5: MODSEQ with and without its entry name', () => {
    expect(queryOf('a SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n')).toEqual({ key: { kind: 'modseq', modseq: 620162338 } });
    expect(queryOf('t SEARCH OR NOT MODSEQ 720162338 LARGER 50000\r\n')).toEqual({
      key: { kind: 'or', left: { kind: 'not', key: { kind: 'modseq', modseq: 720162338 } }, right: { kind: 'size', op: 'larger', size: 50000 } },
    });
  });

  it('reads the UID form, sets, parenthesized keys and the keys of RFC 3501 §6.4.4 and RFC 9051', () => {
    const request = search('a UID SEARCH UID 1:* 2,4:5 (SEEN UNANSWERED) KEYWORD $Label1 UNKEYWORD \\Draft HEADER X-Spam "" BCC bob BODY hi SMALLER 10 SENTON 3-Mar-2003 NEW OLD RECENT UNDRAFT\r\n');
    expect(request).toMatchObject({ name: 'UID SEARCH', uid: true });
    expect('query' in request && request.query.key).toEqual<SearchKey>({
      kind: 'and',
      keys: [
        { kind: 'uid', set: [{ start: 1, end: '*' }] },
        { kind: 'seq', set: [{ start: 2, end: 2 }, { start: 4, end: 5 }] },
        { kind: 'and', keys: [{ kind: 'flag', flag: 'seen', set: true }, { kind: 'flag', flag: 'answered', set: false }] },
        { kind: 'keyword', keyword: '$Label1', set: true },
        { kind: 'flag', flag: 'draft', set: false },
        { kind: 'header', field: 'x-spam', text: '' },
        { kind: 'address', field: 'bcc', text: 'bob' },
        { kind: 'body', text: 'hi' },
        { kind: 'size', op: 'smaller', size: 10 },
        { kind: 'date', of: 'sent', op: 'on', day: day(2003, 3, 3) },
        { kind: 'new' },
        { kind: 'old' },
        { kind: 'recent' },
        { kind: 'flag', flag: 'draft', set: false },
      ],
    });
  });


  it('bounds how deep a query nests, since evaluating it recurses', () => {
    expect(queryOf(`a SEARCH ${'NOT '.repeat(50)}ALL\r\n`).key.kind).toBe('not');
    expect(searchError(`a SEARCH ${'NOT '.repeat(51)}ALL\r\n`)).toBe('SEARCH nests too deep');
    expect(searchError(`a SEARCH ${'OR ALL '.repeat(60)}ALL\r\n`)).toBe('SEARCH nests too deep');
  });

  it('gives the same request however the bytes were split', () => {
    const request = requestWhateverTheSplit(UID_SEARCH, 'a UID SEARCH RETURN (COUNT) CHARSET UTF-8 OR (FROM {5}\r\nalice SEEN) NOT UID 3:5\r\n');
    expect(request).toMatchObject({ query: { key: { kind: 'or', left: { kind: 'and' }, right: { kind: 'not' } }, returnOptions: ['COUNT'] } });
  });
});

describe('searchNeeds', () => {
  it('says what a query reads beyond the message row', () => {
    expect(searchNeeds(queryOf('a SEARCH FROM x SEEN\r\n').key)).toEqual({ searchText: false, header: false, modseq: false });
    expect(searchNeeds(queryOf('a SEARCH NOT BODY x\r\n').key)).toEqual({ searchText: true, header: false, modseq: false });
    expect(searchNeeds(queryOf('a SEARCH OR HEADER x y MODSEQ 5\r\n').key)).toEqual({ searchText: false, header: true, modseq: true });
    expect(searchNeeds(queryOf('a SEARCH (ALL TEXT x)\r\n').key)).toEqual({ searchText: true, header: true, modseq: false });
  });
});
