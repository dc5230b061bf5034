import { describe, expect, it } from 'vitest';
import { requestOf, requestWhateverTheSplit, syntaxErrorOf } from '../imap-test-support.js';
import type { ListRequest } from './list.js';
import { LIST } from './list.js';

const list = (text: string, enabled: readonly string[] = []): ListRequest => requestOf(LIST, text, enabled);
const listError = (text: string): string | undefined => syntaxErrorOf(LIST, text);

const BASIC = { tag: 'A101', name: 'LIST', extended: false, selectSubscribed: false, selectSpecialUse: false, recursiveMatch: false, returnSubscribed: false };

describe('LIST grammar', () => {
  it('reads RFC 3501 §6.3.8: LIST "" "" and LIST ~/Mail/ %', () => {
    expect(list('A101 LIST "" ""\r\n')).toEqual({ ...BASIC, reference: '', patterns: [''] });
    expect(list('A101 LIST ~/Mail/ %\r\n')).toEqual({ ...BASIC, reference: '~/Mail/', patterns: ['%'] });
  });

  it('reads RFC 5258 §6: selection options, several patterns and RETURN options, all extended', () => {
    expect(list('A02 LIST (SUBSCRIBED) "" "*"\r\n')).toMatchObject({ extended: true, selectSubscribed: true, patterns: ['*'] });
    expect(list('A03 LIST () "" "%" RETURN (CHILDREN)\r\n')).toMatchObject({ extended: true, selectSubscribed: false, patterns: ['%'] });
    expect(list('A04 LIST (REMOTE SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN SUBSCRIBED)\r\n')).toMatchObject({
      extended: true,
      selectSubscribed: true,
      recursiveMatch: true,
      returnSubscribed: true,
    });
    expect(list('A05 LIST "" ("INBOX" "Drafts" "Sent/%")\r\n')).toMatchObject({ extended: true, patterns: ['INBOX', 'Drafts', 'Sent/%'] });
    expect(list('t1 LIST (SPECIAL-USE) "" *\r\n')).toMatchObject({ selectSpecialUse: true });
  });

  it('reads RFC 5819 §5: RETURN (STATUS (MESSAGES UNSEEN))', () => {
    expect(list('A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))\r\n')).toMatchObject({ extended: true, status: ['MESSAGES', 'UNSEEN'] });
  });

  it('decodes modified UTF-7 names (RFC 3501 §5.1.3), and takes UTF-8 once it is enabled', () => {
    expect(list('a LIST "" "~peter/mail/&U,BTFw-/*"\r\n').patterns).toEqual(['~peter/mail/台北/*']);
    expect(list(`a LIST "" "~peter/mail/台北/*"\r\n`, ['UTF8=ACCEPT']).patterns).toEqual(['~peter/mail/台北/*']);
    expect(listError(`a LIST "" "台北"\r\n`)).toBe('Mailbox names must be modified UTF-7 unless UTF8=ACCEPT is enabled');
  });

  it('drops a pattern that is not valid modified UTF-7: it matches no mailbox (an empty LIST, not an error)', () => {
    expect(list(`a LIST "" !#$&'+,-.0123456789:;<=>?@^_\`|[}%*\r\n`).patterns).toEqual([]);
    expect(list('a LIST "" ("&Jjo!" INBOX)\r\n').patterns).toEqual(['INBOX']);
    expect(list('a LIST "&Jjo!" INBOX\r\n').patterns).toEqual([]);
  });


  it('gives the same request however the bytes were split', () => {
    const request = requestWhateverTheSplit(LIST, 'a LIST (SUBSCRIBED) {0}\r\n ({3}\r\nfoo "bar/%") RETURN (STATUS (UIDNEXT))\r\n');
    expect(request).toMatchObject({ reference: '', patterns: ['foo', 'bar/%'], status: ['UIDNEXT'] });
  });
});
