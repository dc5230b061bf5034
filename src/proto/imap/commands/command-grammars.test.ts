import { describe, expect, it } from 'vitest';
import { requestOf, requestWhateverTheSplit, syntaxErrorOf } from '../imap-test-support.js';
import { APPEND } from './append.js';
import { AUTHENTICATE } from './authenticate.js';
import { CAPABILITY } from './capability.js';
import { CLOSE } from './close.js';
import { COPY, MOVE, UID_COPY, UID_MOVE } from './copy.js';
import { CREATE } from './create.js';
import { DELETE } from './delete.js';
import { ENABLE } from './enable.js';
import { EXPUNGE, UID_EXPUNGE } from './expunge.js';
import { FETCH } from './fetch.js';
import { GETQUOTA } from './get-quota.js';
import { GETQUOTAROOT } from './get-quota-root.js';
import { ID } from './id.js';
import { IDLE } from './idle.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';
import { LIST } from './list.js';
import { LOGIN } from './login.js';
import { LOGOUT } from './logout.js';
import { LSUB } from './lsub.js';
import { NAMESPACE } from './namespace.js';
import { CHECK, NOOP } from './noop.js';
import { RENAME } from './rename.js';
import { SEARCH } from './search.js';
import { EXAMINE, SELECT } from './select.js';
import { SETQUOTA } from './set-quota.js';
import { STARTTLS } from './starttls.js';
import { STATUS } from './status.js';
import { STORE } from './store.js';
import { SUBSCRIBE } from './subscribe.js';
import { UNSELECT } from './unselect.js';
import { UNSUBSCRIBE } from './unsubscribe.js';

/** A short message to APPEND (RFC 3501 §6.3.11's example has the same shape). */
const MESSAGE = 'From: Fred Foobar <foobar@Blurdybloop.COM>\r\nSubject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n';

/** RFC examples (RFC 3501 §6 unless said otherwise) and the request each must read to. */
const EXAMPLES: Array<[string, IMAPCommandSpec<IMAPRequestBase>, string, Record<string, unknown>, string[]?]> = [
  ['CAPABILITY', CAPABILITY, 'abcd CAPABILITY\r\n', { tag: 'abcd', name: 'CAPABILITY' }],
  ['NOOP', NOOP, 'a002 NOOP\r\n', { tag: 'a002', name: 'NOOP' }],
  ['CHECK', CHECK, 'FXXZ CHECK\r\n', { tag: 'FXXZ', name: 'CHECK' }],
  ['LOGOUT', LOGOUT, 'A023 LOGOUT\r\n', { tag: 'A023', name: 'LOGOUT' }],
  ['STARTTLS', STARTTLS, 'a002 STARTTLS\r\n', { tag: 'a002', name: 'STARTTLS' }],
  ['LOGIN', LOGIN, 'a001 LOGIN SMITH SESAME\r\n', { tag: 'a001', name: 'LOGIN', username: 'SMITH', password: 'SESAME' }],
  ['LOGIN with literals (RFC 3501 §8)', LOGIN, 'A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n', { tag: 'A001', name: 'LOGIN', username: 'FRED FOOBAR', password: 'fat man' }],
  ['AUTHENTICATE (RFC 4959 §4)', AUTHENTICATE, 'a01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n', { tag: 'a01', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'dGVzdAB0ZXN0AHRlc3Q=' }],
  ['AUTHENTICATE without an initial response', AUTHENTICATE, 'A001 authenticate gssapi\r\n', { tag: 'A001', name: 'AUTHENTICATE', mechanism: 'GSSAPI' }],
  [
    'ID (RFC 2971 §3.1)',
    ID,
    'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited" "os" NIL)\r\n',
    {
      tag: 'a023',
      name: 'ID',
      fields: [
        { field: 'name', value: 'sodr' },
        { field: 'version', value: '19.34' },
        { field: 'vendor', value: 'Pink Floyd Music Limited' },
        { field: 'os', value: '' },
      ],
    },
  ],
  ['ID NIL', ID, 'a ID NIL\r\n', { tag: 'a', name: 'ID', fields: [] }],
  ['ENABLE (RFC 5161 §4)', ENABLE, 't2 ENABLE CONDSTORE X-GOOD-IDEA\r\n', { tag: 't2', name: 'ENABLE', capabilities: ['CONDSTORE', 'X-GOOD-IDEA'] }],
  ['SELECT', SELECT, 'A142 SELECT INBOX\r\n', { tag: 'A142', name: 'SELECT', mailbox: 'INBOX', readOnly: false, condstore: false }],
  ['EXAMINE', EXAMINE, 'A932 EXAMINE blurdybloop\r\n', { tag: 'A932', name: 'EXAMINE', mailbox: 'blurdybloop', readOnly: true, condstore: false }],
  ['SELECT (CONDSTORE) (RFC 7162 §3.1.8)', SELECT, 'A142 SELECT INBOX (CONDSTORE)\r\n', { tag: 'A142', name: 'SELECT', mailbox: 'INBOX', readOnly: false, condstore: true }],
  [
    'SELECT (QRESYNC …) (RFC 7162 §3.2.5.2, with a mod-sequence within 2^53)',
    SELECT,
    'A02 SELECT INBOX (QRESYNC (67890007 20050715194045 41,43:211,214:541))\r\n',
    { tag: 'A02', name: 'SELECT', mailbox: 'INBOX', readOnly: false, condstore: false, qresync: { uidValidity: 67890007, modseq: 20050715194045, knownUids: [{ start: 41, end: 41 }, { start: 43, end: 211 }, { start: 214, end: 541 }] } },
    ['QRESYNC'],
  ],
  ['CLOSE', CLOSE, 'A341 CLOSE\r\n', { tag: 'A341', name: 'CLOSE' }],
  ['UNSELECT (RFC 3691)', UNSELECT, 'A342 UNSELECT\r\n', { tag: 'A342', name: 'UNSELECT' }],
  ['IDLE (RFC 2177 §3)', IDLE, 'A002 IDLE\r\n', { tag: 'A002', name: 'IDLE' }],
  ['NAMESPACE (RFC 2342 §5)', NAMESPACE, 'A001 NAMESPACE\r\n', { tag: 'A001', name: 'NAMESPACE' }],
  ['CREATE', CREATE, 'A003 CREATE owatagusiam/\r\n', { tag: 'A003', name: 'CREATE', mailbox: 'owatagusiam/', uses: [] }],
  ['CREATE (USE …) (RFC 6154 §5.2)', CREATE, 't1 CREATE "Important Messages" (USE (\\Important))\r\n', { tag: 't1', name: 'CREATE', mailbox: 'Important Messages', uses: ['Important'] }],
  ['DELETE', DELETE, 'A683 DELETE blurdybloop\r\n', { tag: 'A683', name: 'DELETE', mailbox: 'blurdybloop' }],
  ['RENAME', RENAME, 'A684 RENAME blurdybloop sarasoop\r\n', { tag: 'A684', name: 'RENAME', from: 'blurdybloop', to: 'sarasoop' }],
  ['SUBSCRIBE', SUBSCRIBE, 'A002 SUBSCRIBE #news.comp.mail.mime\r\n', { tag: 'A002', name: 'SUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['UNSUBSCRIBE', UNSUBSCRIBE, 'A002 UNSUBSCRIBE #news.comp.mail.mime\r\n', { tag: 'A002', name: 'UNSUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  ['LSUB', LSUB, 'A002 LSUB "#news." "comp.mail.*"\r\n', { tag: 'A002', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  ['STATUS', STATUS, 'A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n', { tag: 'A042', name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES'] }],
  [
    'APPEND',
    APPEND,
    `A003 APPEND saved-messages (\\Seen) {${MESSAGE.length}}\r\n${MESSAGE}\r\n`,
    { tag: 'A003', name: 'APPEND', mailbox: 'saved-messages', flags: { seen: true, keywords: [] }, message: Buffer.from(MESSAGE), binary: false },
  ],
  [
    'APPEND with a date-time (RFC 9051 §6.3.12)',
    APPEND,
    `A003 APPEND saved-messages (\\Seen) "07-Feb-1994 21:52:25 -0800" {${MESSAGE.length}+}\r\n${MESSAGE}\r\n`,
    { tag: 'A003', name: 'APPEND', mailbox: 'saved-messages', flags: { seen: true, keywords: [] }, internalDate: Date.UTC(1994, 1, 8, 5, 52, 25), message: Buffer.from(MESSAGE), binary: false },
  ],
  ['APPEND with a literal8 (RFC 3516 §4.4)', APPEND, 'A5 APPEND Drafts ~{3+}\r\na\x00b\r\n', { tag: 'A5', name: 'APPEND', mailbox: 'Drafts', flags: {}, message: Buffer.from('a\x00b'), binary: true }],
  ['APPEND UTF8 (RFC 6855 §4)', APPEND, 'A4 APPEND Drafts UTF8 (~{5+}\r\nhello)\r\n', { tag: 'A4', name: 'APPEND', mailbox: 'Drafts', flags: {}, message: Buffer.from('hello'), binary: true }, ['UTF8=ACCEPT']],
  ['GETQUOTA (RFC 9208 §4.2)', GETQUOTA, 'G0001 GETQUOTA "!partition/sda4"\r\n', { tag: 'G0001', name: 'GETQUOTA', root: '!partition/sda4' }],
  ['GETQUOTAROOT (RFC 9208 §4.3)', GETQUOTAROOT, 'G0002 GETQUOTAROOT INBOX\r\n', { tag: 'G0002', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
  ['SETQUOTA (RFC 9208 §4.1)', SETQUOTA, 'S0000 SETQUOTA "User quota" (STORAGE 510)\r\n', { tag: 'S0000', name: 'SETQUOTA' }],
  ['COPY', COPY, 'A003 COPY 2:4 MEETING\r\n', { tag: 'A003', name: 'COPY', uid: false, move: false, set: [{ start: 2, end: 4 }], mailbox: 'MEETING' }],
  ['UID COPY', UID_COPY, 'A004 UID COPY 4827313:4828442 MEETING\r\n', { tag: 'A004', name: 'UID COPY', uid: true, move: false, set: [{ start: 4827313, end: 4828442 }], mailbox: 'MEETING' }],
  ['MOVE (RFC 6851 §4.5)', MOVE, 'a MOVE 2:4 mailbox\r\n', { tag: 'a', name: 'MOVE', uid: false, move: true, set: [{ start: 2, end: 4 }], mailbox: 'mailbox' }],
  ['UID MOVE (RFC 6851 §4.5)', UID_MOVE, 'a UID MOVE 42:69 foo\r\n', { tag: 'a', name: 'UID MOVE', uid: true, move: true, set: [{ start: 42, end: 69 }], mailbox: 'foo' }],
  ['EXPUNGE', EXPUNGE, 'A202 EXPUNGE\r\n', { tag: 'A202', name: 'EXPUNGE' }],
  ['UID EXPUNGE (RFC 4315 §2.1)', UID_EXPUNGE, 'A003 UID EXPUNGE 3000:3002\r\n', { tag: 'A003', name: 'UID EXPUNGE', set: [{ start: 3000, end: 3002 }] }],
  [
    'FETCH (RFC 3501 §6.4.5)',
    FETCH,
    'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n',
    {
      tag: 'A654',
      name: 'FETCH',
      uid: false,
      set: [{ start: 2, end: 4 }],
      items: [{ kind: 'flags' }, { kind: 'body', section: { kind: 'fields', part: '', names: ['date', 'from'], not: false }, peek: false, name: 'BODY[HEADER.FIELDS (DATE FROM)]' }],
      vanished: false,
    },
  ],
  [
    'SEARCH (RFC 3501 §6.4.4)',
    SEARCH,
    'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
    {
      tag: 'A282',
      name: 'SEARCH',
      uid: false,
      query: {
        key: {
          kind: 'and',
          keys: [
            { kind: 'flag', flag: 'flagged', set: true },
            { kind: 'date', of: 'internal', op: 'since', day: Date.UTC(1994, 1, 1) / 86_400_000 },
            { kind: 'not', key: { kind: 'address', field: 'from', text: 'Smith' } },
          ],
        },
      },
    },
  ],
  [
    'STORE (RFC 3501 §6.4.6)',
    STORE,
    'A003 STORE 2:4 +FLAGS (\\Deleted)\r\n',
    {
      tag: 'A003',
      name: 'STORE',
      uid: false,
      set: [{ start: 2, end: 4 }],
      hasModifiers: false,
      mode: 'add',
      silent: false,
      flags: { deleted: true, keywords: [] },
    },
  ],
  [
    'STORE (UNCHANGEDSINCE …) .SILENT (RFC 7162 §3.1.3)',
    STORE,
    'd105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n',
    {
      tag: 'd105',
      name: 'STORE',
      uid: false,
      set: [
        { start: 7, end: 7 },
        { start: 5, end: 5 },
        { start: 9, end: 9 },
      ],
      hasModifiers: true,
      unchangedSince: 320162338,
      mode: 'add',
      silent: true,
      flags: { deleted: true, keywords: [] },
    },
  ],
];

describe('IMAP command grammars', () => {
  it.each(EXAMPLES)('reads %s', (_, spec, text, expected, enabled = []) => {
    expect(requestOf(spec, text, enabled)).toEqual(expected);
  });

  it('gives the same request however the bytes were split', () => {
    for (const [, spec, text, expected, enabled = []] of EXAMPLES) expect(requestWhateverTheSplit(spec, text, enabled)).toEqual(expected);
  });


  it('refuses what each grammar does not allow, saying why without repeating much of the input', () => {
    const refusals: Array<[IMAPCommandSpec<IMAPRequestBase>, string, string, string[]?]> = [
      // Arguments are counted by the grammar, the UID form named as such.
      [NOOP, 'a NOOP now\r\n', 'NOOP takes 0 arguments'],
      [LOGIN, 'a LOGIN alice\r\n', 'LOGIN takes 2 arguments'],
      [DELETE, 'a DELETE\r\n', 'DELETE takes 1 argument'],
      [UID_EXPUNGE, 'a UID EXPUNGE\r\n', 'UID EXPUNGE takes 1 argument'],
      [AUTHENTICATE, 'a AUTHENTICATE PLAIN a b\r\n', 'AUTHENTICATE takes 1 to 2 arguments'],
      [SELECT, 'a SELECT\r\n', 'SELECT: missing argument'],
      [EXAMINE, 'a EXAMINE INBOX (CONDSTORE) x\r\n', 'EXAMINE takes a mailbox and optional parameters'],
      [ID, 'a ID (name)\r\n', 'ID takes field-value pairs'],
      [ID, `a ID (${'"f" "v" '.repeat(31).trim()})\r\n`, 'ID takes field-value pairs'],
      [ID, `a ID ("name" "${'x'.repeat(1025)}")\r\n`, 'ID field or value too long'],
      [ID, 'a ID name\r\n', 'ID takes a list or NIL'],
      [ENABLE, 'a ENABLE\r\n', 'ENABLE needs at least one capability'],
      [ENABLE, 'a ENABLE "CONDSTORE"\r\n', 'Expected a keyword'],
      [SELECT, 'a SELECT INBOX (QRESYNC (1 2))\r\n', 'ENABLE QRESYNC first'],
      [SELECT, 'a SELECT INBOX (QRESYNC (1))\r\n', 'QRESYNC takes (uidvalidity modseq [known-uids [seq-match]])', ['QRESYNC']],
      // RFC 7162's own example mod-sequence is past 2^53: held exactly or refused, never rounded.
      [SELECT, 'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41))\r\n', 'Number too large', ['QRESYNC']],
      [SELECT, 'a SELECT INBOX (FAST)\r\n', 'Unknown SELECT parameter FAST'],
      [CREATE, 'a CREATE x (SIZE 5)\r\n', 'Unknown CREATE parameter'],
      [CREATE, 'a CREATE x (USE)\r\n', 'USE takes a list of attributes'],
      [CREATE, 'a CREATE x (USE (Drafts))\r\n', 'USE takes special-use attributes'],
      [STATUS, 'a STATUS INBOX ()\r\n', 'STATUS needs at least one data item'],
      [STATUS, 'a STATUS INBOX MESSAGES\r\n', 'Expected a parenthesized list'],
      [SETQUOTA, 'a SETQUOTA "" STORAGE\r\n', 'Expected a parenthesized list'],
      [COPY, 'a COPY INBOX Trash\r\n', 'Expected a sequence set'],
      [APPEND, 'a APPEND INBOX UTF8 (~{1+}\r\nx)\r\n', 'APPEND UTF8 needs ENABLE UTF8=ACCEPT'],
      [APPEND, 'a APPEND INBOX UTF8 ({1+}\r\nx y)\r\n', 'APPEND UTF8 takes one literal', ['UTF8=ACCEPT']],
      [APPEND, 'a APPEND INBOX (\\Seen)\r\n', 'APPEND takes the message as a literal'],
      [APPEND, 'a APPEND ~{5+}\r\nINBOX {1+}\r\nx\r\n', 'Only the message may be a literal8'],
      [APPEND, 'a APPEND INBOX 7-Feb-1994 {1+}\r\nx\r\n', 'Expected a date-time in quotes'],
      [APPEND, 'a APPEND INBOX "30-Feb-1994 21:52:25 -0800" {1+}\r\nx\r\n', 'Invalid date-time'],
      [APPEND, 'a APPEND INBOX () "07-Feb-1994 21:52:25 -0800" x {1+}\r\nx\r\n', 'Too many APPEND arguments'],
      [FETCH, 'a FETCH 1\r\n', 'FETCH takes 2 to 3 arguments'],
      [FETCH, 'a FETCH 1 ()\r\n', 'FETCH needs at least one item'],
      [FETCH, `a FETCH 1 ${'X'.repeat(100)}\r\n`, `Unknown FETCH item ${'X'.repeat(40)}`],
      [FETCH, 'a FETCH 1 BODY[MIME]\r\n', 'MIME needs a part number'],
      [FETCH, 'a FETCH 1 BODY[0]\r\n', 'Invalid section part number'],
      [FETCH, 'a FETCH 1 BODY[HEADER.FIELDS]\r\n', 'HEADER.FIELDS takes a list of header field names'],
      [FETCH, 'a FETCH 1 BODY[HEADER.FIELDS ()]\r\n', 'HEADER.FIELDS takes 1 to 100 field names'],
      [FETCH, 'a FETCH 1 BINARY[1.TEXT]\r\n', 'BINARY takes a part number'],
      [FETCH, 'a FETCH 1 BINARY.SIZE[1]<0.1>\r\n', 'BINARY.SIZE takes no partial'],
      [FETCH, 'a FETCH 1 (FLAGS) (CHANGEDSINCE)\r\n', 'CHANGEDSINCE takes a mod-sequence'],
      [FETCH, 'a FETCH 1 (FLAGS) (PRIORITY 1)\r\n', 'Unknown FETCH modifier PRIORITY'],
      [FETCH, 'a FETCH INBOX FLAGS\r\n', 'Expected a sequence set'],
      [SEARCH, 'a SEARCH\r\n', 'SEARCH needs at least one key'],
      [SEARCH, 'a SEARCH FROM\r\n', 'SEARCH: missing string'],
      [SEARCH, 'a SEARCH SINCE 31-Foo-2020\r\n', 'Invalid date (expected d-Mon-yyyy)'],
      [SEARCH, 'a SEARCH HEADER "a:b" x\r\n', 'Invalid header field name'],
      [SEARCH, 'a SEARCH KEYWORD \\Foo\r\n', 'Invalid keyword'],
      [SEARCH, 'a SEARCH ()\r\n', 'SEARCH: empty parenthesized key'],
      [SEARCH, 'a SEARCH FUZZY x\r\n', 'Unknown SEARCH key FUZZY'],
      [SEARCH, 'a SEARCH UID INBOX\r\n', 'Expected a sequence set'],
      [SEARCH, 'a SEARCH LARGER 99999999999999999999\r\n', 'Expected a number'],
      [STORE, 'a STORE 1 +FLAGS\r\n', 'STORE takes a message set, a data item and flags'],
      [STORE, 'a STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Seen)\r\n', 'Unknown STORE modifier UNCHANGEDSINCE'],
      [STORE, 'a STORE 1 (NOPE 1) +FLAGS (\\Seen)\r\n', 'Unknown STORE modifier NOPE'],
      [STORE, 'a STORE 1 LABELS (\\Seen)\r\n', 'Unknown STORE data item LABELS'],
      [STORE, 'a STORE 1 +FLAGS (\\Important)\r\n', 'Invalid flag \\Important'],
      [STORE, 'a STORE 1 +FLAGS ("quoted")\r\n', 'Expected a flag'],
      [STORE, 'a STORE INBOX +FLAGS (\\Seen)\r\n', 'Expected a sequence set'],
      [STORE, 'a STORE INBOX +FLAGS (\\Nope)\r\n', 'Invalid flag \\Nope'],
      [LIST, 'a LIST (RECURSIVEMATCH) "" %\r\n', 'RECURSIVEMATCH needs another selection option'],
      [LIST, 'a LIST (NOPE) "" %\r\n', 'Unknown LIST selection option NOPE'],
      [LIST, 'a LIST "" % RETURN (NOPE)\r\n', 'Unknown LIST return option NOPE'],
      [LIST, 'a LIST "" % RETURN (STATUS (NOPE))\r\n', 'Unknown STATUS item NOPE'],
      [LIST, 'a LIST "" % RETURNS ()\r\n', 'Expected RETURN (options)'],
      [LIST, 'a LIST "" % RETURN () x\r\n', 'Too many LIST arguments'],
      [LIST, 'a LIST ""\r\n', 'LIST takes a reference and a mailbox pattern'],
      [LIST, 'a LIST "" ()\r\n', 'LIST takes 1 to 32 patterns'],
      [LIST, `a LIST "" (${'x '.repeat(33).trim()})\r\n`, 'LIST takes 1 to 32 patterns'],
    ];
    for (const [spec, text, message, enabled = []] of refusals) expect(syntaxErrorOf(spec, text, enabled), text).toBe(message);
  });

  it('ignores \\Recent in APPEND flags, as in STORE (RFC 3501 §2.3.2)', () => {
    expect(requestOf(APPEND, 'a APPEND INBOX ($Draft-ish \\Recent) {1+}\r\nx\r\n')).toMatchObject({ flags: { keywords: ['$Draft-ish'] } });
  });
});
