// Tests parseAddressList and the envelope built from it, against RFC 5322 forms and Dovecot's envelopes for the same headers.
import { describe, expect, it } from 'vitest';
import { envelopeToIMAP, parseAddressList, parseMessageStructure, type Address } from './index.js';

const mailbox = (name: string | null, local: string | null, host: string | null): Address => ({ name, adl: null, mailbox: local, host });
const groupEnd = mailbox(null, null, null);

function envelopeOf(headers: string): string {
  return envelopeToIMAP(parseMessageStructure(Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\nbody\r\n`)).envelope);
}

describe('parseAddressList', () => {
  it('reads addr-spec, name-addr, quoted names and comments', () => {
    expect(parseAddressList('user@example.com')).toEqual([mailbox(null, 'user', 'example.com')]);
    expect(parseAddressList('Alice Smith <alice@example.com>')).toEqual([mailbox('Alice Smith', 'alice', 'example.com')]);
    expect(parseAddressList('"Doe, John \\"JD\\"" <john@example.com>, bob@example.org')).toEqual([
      mailbox('Doe, John "JD"', 'john', 'example.com'),
      mailbox(null, 'bob', 'example.org'),
    ]);
    expect(parseAddressList('user@domain (Real Name)')).toEqual([mailbox('Real Name', 'user', 'domain')]);
    expect(parseAddressList('John Q. Public <JQP(comment)@(more)example.com>')).toEqual([mailbox('John Q. Public', 'JQP', 'example.com')]);
    expect(parseAddressList('"quoted local"@example.com, <a@[IPv6:::1]>')).toEqual([mailbox(null, 'quoted local', 'example.com'), mailbox(null, 'a', '[IPv6:::1]')]);
  });

  it('keeps encoded-words in names raw, as IMAP sends them', () => {
    expect(parseAddressList('=?utf-8?Q?J=C3=B6rg?= <j@example.com>')).toEqual([mailbox('=?utf-8?Q?J=C3=B6rg?=', 'j', 'example.com')]);
  });

  it('reads groups as RFC 3501 group start and end markers', () => {
    expect(parseAddressList('group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;')).toEqual([
      mailbox(null, 'group', null),
      mailbox(null, 'g1', 'd1.org'),
      mailbox(null, 'g2', 'd2.org'),
      groupEnd,
      mailbox(null, 'group2', null),
      mailbox(null, 'g3', 'd3.org'),
      groupEnd,
    ]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([mailbox(null, 'undisclosed-recipients', null), groupEnd]);
    expect(parseAddressList('Team: a@b')).toEqual([mailbox(null, 'Team', null), mailbox(null, 'a', 'b'), groupEnd]);
  });

  it('keeps obsolete routes as the at-domain-list (RFC 3501 §7.4.2), commas inside them included', () => {
    expect(parseAddressList('<@route:user@domain>')).toEqual([{ ...mailbox(null, 'user', 'domain'), adl: '@route' }]);
    expect(parseAddressList('Joe <@a.example,@b.example:joe@c.example>, x@y')).toEqual([{ ...mailbox('Joe', 'joe', 'c.example'), adl: '@a.example,@b.example' }, mailbox(null, 'x', 'y')]);
  });

  it('fills a missing local part or domain as Dovecot does, and skips empty members', () => {
    expect(parseAddressList('root')).toEqual([mailbox(null, 'root', 'MISSING_DOMAIN')]);
    expect(parseAddressList('<>')).toEqual([mailbox(null, 'MISSING_MAILBOX', 'MISSING_DOMAIN')]);
    expect(parseAddressList('John Smith')).toEqual([mailbox('John Smith', 'MISSING_MAILBOX', 'MISSING_DOMAIN')]);
    expect(parseAddressList(' , a@b,, (just a comment) ,')).toEqual([mailbox(null, 'a', 'b')]);
    expect(parseAddressList('')).toEqual([]);
  });

  it('copes with unclosed brackets, quotes and comments', () => {
    expect(parseAddressList('Alice <alice@example.com')).toEqual([mailbox('Alice', 'alice', 'example.com')]);
    expect(parseAddressList('"Alice <alice@example.com>')).toEqual([mailbox(null, 'Alice <alice@example.com>', 'MISSING_DOMAIN')]);
    expect(parseAddressList('a@b (unclosed')).toEqual([mailbox('unclosed', 'a', 'b')]);
    expect(parseAddressList('bob smith bob@example.com')).toEqual([mailbox('bob smith', 'bob', 'example.com')]);
  });

  it('stays linear on a huge list', () => {
    const list = Array.from({ length: 100_000 }, (_, i) => `"User ${i}" <u${i}@example.com>`).join(', ');
    const started = performance.now();
    expect(parseAddressList(list)).toHaveLength(100_000);
    expect(parseAddressList(`a@b${':'.repeat(100_000)}`)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('envelopeToIMAP', () => {
  it('matches Dovecot for groups, names from comments and empty Sender and Reply-To', () => {
    expect(envelopeOf('Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nTo: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\nCc: group:;, group2: (foo) ;\n')).toBe(
      '("Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) ' +
        '((NIL NIL "group" NIL)(NIL NIL "g1" "d1.org")(NIL NIL "g2" "d2.org")(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL "g3" "d3.org")(NIL NIL NIL NIL)) ' +
        '((NIL NIL "group" NIL)(NIL NIL NIL NIL)(NIL NIL "group2" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)',
    );
    expect(envelopeOf('Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nSender: \nReply-To: \n')).toBe(
      '("Thu, 15 Feb 2007 01:02:03 +0200" NIL (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) (("Real Name" NIL "user" "domain")) NIL NIL NIL NIL NIL)',
    );
  });

  it('matches Dovecot for every field, and keeps encoded-words raw', () => {
    expect(
      envelopeOf(
        'Message-ID: <msg@id>\nIn-Reply-To: <reply@to.id>\nDate: Thu, 15 Feb 2007 01:02:03 +0200\nSubject: =?utf-8?B?SGk=?= subject\n' +
          'From: From Real <fromuser@fromdomain.org>\nTo: To Real <touser@todomain.org>\nCc: Cc Real <ccuser@ccdomain.org>\n' +
          'Bcc: Bcc Real <bccuser@bccdomain.org>\nSender: Sender Real <senderuser@senderdomain.org>\nReply-To: ReplyTo Real <replytouser@replytodomain.org>\n',
      ),
    ).toBe(
      '("Thu, 15 Feb 2007 01:02:03 +0200" "=?utf-8?B?SGk=?= subject" (("From Real" NIL "fromuser" "fromdomain.org")) ' +
        '(("Sender Real" NIL "senderuser" "senderdomain.org")) (("ReplyTo Real" NIL "replytouser" "replytodomain.org")) ' +
        '(("To Real" NIL "touser" "todomain.org")) (("Cc Real" NIL "ccuser" "ccdomain.org")) (("Bcc Real" NIL "bccuser" "bccdomain.org")) ' +
        '"<reply@to.id>" "<msg@id>")',
    );
  });

  it('uses the first of repeated fields, writes NIL for a message without them, and literals for 8-bit text', () => {
    expect(envelopeOf('From: first@example.com\nFrom: second@example.com\nSubject: one\nSubject: two\n')).toBe(
      '(NIL "one" ((NIL NIL "first" "example.com")) ((NIL NIL "first" "example.com")) ((NIL NIL "first" "example.com")) NIL NIL NIL NIL NIL)',
    );
    expect(envelopeOf('X-Other: 1\n')).toBe('(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
    expect(envelopeOf('Subject: café\n')).toBe('(NIL {5}\r\ncafé NIL NIL NIL NIL NIL NIL NIL NIL)');
  });
});
