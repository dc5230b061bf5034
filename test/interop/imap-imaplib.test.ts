// Python's imaplib (a client written by others) against Mailward's message commands: FETCH, STORE, SEARCH, COPY/MOVE/EXPUNGE, APPEND, over plain, STARTTLS and implicit TLS.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { runPython } from '../support/python.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'imaplib-client.py');
const ALICE = 'alice@example.test';

type Op =
  | { op: 'connect'; mode: 'plain' | 'ssl' | 'starttls'; port: number }
  | { op: 'call'; method: string; args?: Array<string | boolean | null | { latin1: string }> }
  | { op: 'literal'; latin1: string }
  | { op: 'response'; name: string }
  | { op: 'fetch-literal'; uid: string; item: string }
  | { op: 'parse'; set: string };

interface CallResult {
  typ: string;
  /** imaplib's data list: lines as strings, literals as [prefix, bytes] pairs (latin1). */
  data: Array<string | [string, string]>;
  error?: string;
}

function imaplib(ops: Op[]): Promise<Array<Record<string, unknown>>> {
  return runPython([SCRIPT], ops);
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const latin1 = (bytes: Buffer): string => bytes.toString('latin1');
const call = (method: string, ...args: Array<string | boolean | null | { latin1: string }>): Op => ({ op: 'call', method, args });
/** imaplib's search(charset, *criteria): None for no charset. */
const search = (...criteria: string[]): Op => call('search', null, ...criteria);

const LAKE = Buffer.from(
  'From: Carol Lake <carol@example.net>\r\nTo: Alice <alice@example.test>\r\nSubject: Lake report\r\nDate: Fri, 01 Mar 2024 10:00:00 +0000\r\nMessage-ID: <lake-1@example.net>\r\nX-Project: heron\r\n\r\nThe water is cold today.\r\n',
);
const GREETING_TEXT = Buffer.from('Viele Grüße von der Straße.\r\n', 'utf8');
const GREETING = Buffer.concat([
  Buffer.from(
    'From: Dave <dave@example.org>\r\nTo: alice@example.test\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\nDate: Sun, 10 Mar 2024 09:30:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
  ),
  GREETING_TEXT,
  Buffer.from('\r\n--b1\r\nContent-Type: application/octet-stream; name="data.bin"\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--b1--\r\n'),
]);

/** A multi-megabyte message: a base64 attachment in 76-column lines of a fixed byte pattern. */
function bigMessage(): Buffer {
  const payload = Buffer.alloc(2_400_000);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 9)) % 251;
  const base64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `From: Erin <erin@example.com>\r\nTo: alice@example.test\r\nSubject: Big attachment\r\nDate: Wed, 20 Mar 2024 12:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--big--\r\n`,
  );
}
const BIG = bigMessage();

describe('imaplib against Mailward', () => {
  let t: IMAPTestServer;
  let login: Op[];
  beforeAll(async () => {
    t = await startIMAPTestServer();
    const accountId = t.accounts.get(ALICE)!;
    await t.app.mail.deliver({ raw: LAKE, targets: [{ accountId }], internalDate: Date.parse('2024-03-01T10:00:00Z') });
    await t.app.mail.deliver({ raw: GREETING, targets: [{ accountId }], internalDate: Date.parse('2024-03-10T08:30:00Z') });
    await t.app.mail.deliver({ raw: BIG, targets: [{ accountId }], internalDate: Date.parse('2024-03-20T12:00:00Z') });
    login = [{ op: 'connect', mode: 'plain', port: t.imapPort }, call('login', ALICE, passwordOf(ALICE))];
  });
  afterAll(async () => {
    await t.close();
    removeTempDataDirs();
  });

  it('selects and fetches UID, FLAGS, RFC822.SIZE, ENVELOPE, INTERNALDATE and BODYSTRUCTURE', async () => {
    const r = (await imaplib([...login, call('select', 'INBOX'), call('fetch', '1:3', '(UID FLAGS RFC822.SIZE ENVELOPE INTERNALDATE BODYSTRUCTURE)'), { op: 'parse', set: '1:3' }, call('logout')])) as unknown as CallResult[];
    expect(r[1]!.typ).toBe('OK');
    expect(r[2]).toEqual({ typ: 'OK', data: ['3'] });
    const lines = r[3]!.data as string[];
    expect(r[3]!.typ).toBe('OK');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `1 (UID 1 FLAGS (\\Recent) RFC822.SIZE ${LAKE.length} ENVELOPE ("Fri, 01 Mar 2024 10:00:00 +0000" "Lake report" (("Carol Lake" NIL "carol" "example.net")) (("Carol Lake" NIL "carol" "example.net")) (("Carol Lake" NIL "carol" "example.net")) (("Alice" NIL "alice" "example.test")) NIL NIL NIL "<lake-1@example.net>") INTERNALDATE " 1-Mar-2024 10:00:00 +0000" BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 26 1 NIL NIL NIL NIL))`,
    );
    expect(lines[1]).toBe(
      `2 (UID 2 FLAGS (\\Recent) RFC822.SIZE ${GREETING.length} ENVELOPE ("Sun, 10 Mar 2024 09:30:00 +0100" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=" (("Dave" NIL "dave" "example.org")) (("Dave" NIL "dave" "example.org")) (("Dave" NIL "dave" "example.org")) ((NIL NIL "alice" "example.test")) NIL NIL NIL NIL) INTERNALDATE "10-Mar-2024 08:30:00 +0000" BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "8BIT" ${GREETING_TEXT.length} 1 NIL NIL NIL NIL)("APPLICATION" "OCTET-STREAM" ("NAME" "data.bin") NIL NIL "BASE64" 16 NIL ("ATTACHMENT" ("FILENAME" "data.bin")) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL))`,
    );
    expect(lines[2]).toMatch(new RegExp(`^3 \\(UID 3 FLAGS \\(\\\\Recent\\) RFC822\\.SIZE ${BIG.length} `));
    // imaplib's own readers of the same answer.
    const parsed = (r[4] as unknown as { data: Array<{ flags: string[]; internaldate: number }> }).data;
    expect(parsed.map((p) => p.flags)).toEqual([['\\Recent'], ['\\Recent'], ['\\Recent']]);
    expect(parsed.map((p) => p.internaldate * 1000)).toEqual([Date.parse('2024-03-01T10:00:00Z'), Date.parse('2024-03-10T08:30:00Z'), Date.parse('2024-03-20T12:00:00Z')]);
    expect(r[5]!.typ).toBe('BYE');
  });

  it('fetches BODY.PEEK[], header fields, a part and partials byte for byte, and BODY[1] sets \\Seen', async () => {
    const r = (await imaplib([
      ...login,
      call('select', 'INBOX'),
      call('uid', 'FETCH', '1', '(BODY.PEEK[])'),
      call('fetch', '1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM X-PROJECT)])'),
      call('fetch', '2', '(BODY.PEEK[1])'),
      call('fetch', '1', '(BODY.PEEK[]<0.16>)'),
      call('fetch', '1', '(BODY.PEEK[TEXT]<4.5>)'),
      call('fetch', '2', '(FLAGS)'),
      call('fetch', '2', '(BODY[1])'),
      call('fetch', '2', '(FLAGS)'),
      call('fetch', '2', '(BODY.PEEK[2] BODY.PEEK[2.MIME])'),
    ])) as unknown as CallResult[];
    expect(r[3]!.data[0]).toEqual(['1 (UID 1 BODY[] {' + LAKE.length + '}', latin1(LAKE)]);
    const fields = 'From: Carol Lake <carol@example.net>\r\nSubject: Lake report\r\nX-Project: heron\r\n\r\n';
    expect(r[4]!.data[0]).toEqual([`1 (BODY[HEADER.FIELDS (SUBJECT FROM X-PROJECT)] {${fields.length}}`, fields]);
    expect(r[5]!.data[0]).toEqual([`2 (BODY[1] {${GREETING_TEXT.length}}`, latin1(GREETING_TEXT)]);
    expect(r[6]!.data[0]).toEqual(['1 (BODY[]<0> {16}', 'From: Carol Lake']);
    expect(r[7]!.data[0]).toEqual(['1 (BODY[TEXT]<4> {5}', 'water']);
    // An earlier session took \Recent: this one sees none.
    expect(r[8]!.data).toEqual(['2 (FLAGS ())']);
    // The non-PEEK fetch reports the \Seen it set with the data (RFC 3501 §6.4.5).
    expect(r[9]!.data[0]![0]).toMatch(/^2 \(BODY\[1\] \{\d+\}$/);
    expect((r[9]!.data as unknown[]).flat().join('')).toContain('FLAGS (\\Seen)');
    expect(r[10]!.data).toEqual(['2 (FLAGS (\\Seen))']);
    expect(r[11]!.data[0]).toEqual(['2 (BODY[2] {16}', 'AAECAwQFBgcICQ==']);
    const mime = 'Content-Type: application/octet-stream; name="data.bin"\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n';
    expect(r[11]!.data[1]).toEqual([` BODY[2.MIME] {${mime.length}}`, mime]);
  });

  it('fetches a multi-megabyte message whose bytes hash the same as what was stored', async () => {
    const inbox = await t.app.mailboxes.get(t.accounts.get(ALICE)!, 'INBOX');
    const [meta] = await t.app.mailboxes.messageMeta(inbox.id, [3]);
    const stored = await t.app.mailboxes.body(meta!.blob_id);
    expect(stored.length).toBe(BIG.length);
    const r = await imaplib([...login, call('select', 'INBOX'), { op: 'fetch-literal', uid: '3', item: '(BODY.PEEK[])' }, { op: 'fetch-literal', uid: '3', item: '(BODY.PEEK[]<1000000.1500000>)' }]);
    expect(r[3]).toEqual({ typ: 'OK', size: BIG.length, sha256: sha256(stored) });
    expect(r[4]).toEqual({ typ: 'OK', size: 1_500_000, sha256: sha256(stored.subarray(1_000_000, 2_500_000)) });
  });

  it('works the same over implicit TLS and over STARTTLS', async () => {
    const body: Op[] = [call('login', ALICE, passwordOf(ALICE)), call('select', 'INBOX', true), call('uid', 'FETCH', '1', '(BODY.PEEK[])'), call('logout')];
    const [ssl, starttls] = await Promise.all([imaplib([{ op: 'connect', mode: 'ssl', port: t.imapsPort }, ...body]), imaplib([{ op: 'connect', mode: 'starttls', port: t.imapPort }, ...body])]);
    expect(ssl[0]).toMatchObject({ tls: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(starttls[0]).toMatchObject({ typ: 'OK', tls: expect.stringMatching(/^TLSv1\.[23]$/) });
    for (const r of [ssl, starttls] as unknown as CallResult[][]) {
      expect(r[1]!.typ).toBe('OK');
      expect(r[2]).toEqual({ typ: 'OK', data: ['3'] });
      expect(r[3]!.data[0]).toEqual([`1 (UID 1 BODY[] {${LAKE.length}}`, latin1(LAKE)]);
    }
  });

  it('stores flags with +FLAGS, -FLAGS, FLAGS and .SILENT', async () => {
    const r = (await imaplib([
      ...login,
      call('select', 'INBOX'),
      call('store', '1', '+FLAGS', '(\\Flagged $Important)'),
      call('store', '1', '-FLAGS', '(\\Flagged)'),
      call('store', '1:2', 'FLAGS', '(\\Seen \\Answered)'),
      call('store', '3', '+FLAGS.SILENT', '(\\Flagged)'),
      call('fetch', '1:3', '(FLAGS)'),
      call('uid', 'STORE', '2', '-FLAGS', '(\\Answered)'),
    ])) as unknown as CallResult[];
    expect(r[3]).toEqual({ typ: 'OK', data: ['1 (FLAGS (\\Flagged $Important))'] });
    expect(r[4]).toEqual({ typ: 'OK', data: ['1 (FLAGS ($Important))'] });
    expect(r[5]).toEqual({ typ: 'OK', data: ['1 (FLAGS (\\Seen \\Answered))', '2 (FLAGS (\\Seen \\Answered))'] });
    expect(r[6]).toEqual({ typ: 'OK', data: [null] });
    expect(r[7]).toEqual({ typ: 'OK', data: ['1 (FLAGS (\\Seen \\Answered))', '2 (FLAGS (\\Seen \\Answered))', '3 (FLAGS (\\Flagged))'] });
    expect(r[8]).toEqual({ typ: 'OK', data: ['2 (FLAGS (\\Seen) UID 2)'] });
  });

  it('searches by address, subject, flags, dates, size, header, text, UIDs and with CHARSET UTF-8 literals', async () => {
    const searches: Array<[Op[], string]> = [
      [[search('ALL')], '1 2 3'],
      [[search('FROM', 'carol')], '1'],
      [[search('SUBJECT', '"Lake report"')], '1'],
      [[search('UNSEEN')], '3'],
      [[search('FLAGGED')], '3'],
      [[search('OR', 'FROM', 'carol', 'FROM', 'dave@example.org')], '1 2'],
      [[search('NOT', 'FROM', 'carol')], '2 3'],
      [[search('SINCE', '5-Mar-2024')], '2 3'],
      [[search('BEFORE', '5-Mar-2024')], '1'],
      [[search('SINCE', '1-Mar-2024', 'BEFORE', '20-Mar-2024')], '1 2'],
      [[search('LARGER', '100000')], '3'],
      [[search('SMALLER', '100000', 'SEEN')], '1 2'],
      [[search('HEADER', 'X-Project', 'heron')], '1'],
      [[search('HEADER', 'Message-ID', '<lake-1@')], '1'],
      [[search('TEXT', 'carol')], '1'],
      [[search('BODY', 'cold')], '1'],
      [[search('BODY', 'carol')], ''],
      [[search('UID', '2:*')], '2 3'],
      [[search('2,3', 'NOT', 'UID', '3')], '2'],
      [[call('uid', 'SEARCH', 'FROM', 'erin')], '3'],
      [[{ op: 'literal', latin1: latin1(Buffer.from('Straße', 'utf8')) }, call('search', 'UTF-8', 'BODY')], '2'],
      [[{ op: 'literal', latin1: latin1(Buffer.from('grüsse'.replace('ss', 'ß'), 'utf8')) }, call('search', 'UTF-8', 'SUBJECT')], '2'],
    ];
    const r = (await imaplib([...login, call('select', 'INBOX'), ...searches.flatMap(([steps]) => steps)])) as unknown as CallResult[];
    // The literal steps answer null; every search answers once.
    const answers = r.slice(3).filter((x) => x !== null);
    expect(answers.map((a) => a.error ?? `${a.typ} ${(a.data as string[]).join('|')}`)).toEqual(searches.map(([, want]) => `OK ${want}`));
  });

  it('copies (COPYUID), moves and expunges by UID; EXPUNGE reports the numbers removed', async () => {
    const r = (await imaplib([
      ...login,
      call('select', 'INBOX'),
      call('copy', '1', 'Archive'),
      call('uid', 'MOVE', '2', 'Archive'),
      { op: 'response', name: 'COPYUID' },
      { op: 'response', name: 'EXPUNGE' },
      call('uid', 'COPY', '1', 'Nowhere'),
      call('select', 'Archive'),
      call('uid', 'FETCH', '1:*', '(UID BODY.PEEK[])'),
      call('store', '1', '+FLAGS', '(\\Deleted)'),
      call('uid', 'EXPUNGE', '2'),
      call('expunge'),
      call('uid', 'SEARCH', 'ALL'),
      call('select', 'INBOX'),
      call('store', '2', '+FLAGS.SILENT', '(\\Deleted)'),
      call('expunge'),
      call('uid', 'SEARCH', 'ALL'),
    ])) as unknown as CallResult[];
    const archive = await t.app.mailboxes.get(t.accounts.get(ALICE)!, 'Archive');
    expect(r[3]).toEqual({ typ: 'OK', data: [`[COPYUID ${archive.uid_validity} 1 1] COPY completed`] });
    expect(r[4]!.typ).toBe('OK');
    // COPY's and MOVE's COPYUID codes and the EXPUNGE of the moved message (it was number 2), as imaplib kept them.
    expect(r[5]).toEqual({ typ: 'COPYUID', data: [`${archive.uid_validity} 1 1`, `${archive.uid_validity} 2 2`] });
    expect(r[6]).toEqual({ typ: 'EXPUNGE', data: ['2'] });
    expect(r[7]!.typ).toBe('NO');
    expect(r[7]!.data[0]).toMatch(/^\[TRYCREATE\]/);
    expect(r[8]).toEqual({ typ: 'OK', data: ['2'] });
    expect(r[9]!.data[0]).toEqual([`1 (UID 1 BODY[] {${LAKE.length}}`, latin1(LAKE)]);
    expect(r[9]!.data[2]).toEqual([`2 (UID 2 BODY[] {${GREETING.length}}`, latin1(GREETING)]);
    // UID EXPUNGE 2 removes nothing (not \Deleted); EXPUNGE then removes message 1.
    expect(r[11]!.typ).toBe('OK');
    expect(r[12]).toEqual({ typ: 'OK', data: ['1'] });
    expect(r[13]).toEqual({ typ: 'OK', data: ['2'] });
    expect(r[15]).toEqual({ typ: 'OK', data: [null] });
    expect(r[16]).toEqual({ typ: 'OK', data: ['2'] });
    expect(r[17]).toEqual({ typ: 'OK', data: ['1'] });
  });

  it('appends with flags and a date, and fetches the message back byte for byte', async () => {
    const draft = Buffer.concat([Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: draft from imaplib\r\n\r\nBinary-ish: '), Buffer.from([0xe9, 0x80, 0xff]), Buffer.from('\r\nend\r\n')]);
    const r = (await imaplib([
      ...login,
      call('append', 'Drafts', '(\\Draft \\Seen)', '"05-Apr-2024 08:09:10 +0200"', { latin1: latin1(draft) }),
      call('select', 'Drafts'),
      call('uid', 'FETCH', '*', '(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])'),
      call('logout'),
    ])) as unknown as CallResult[];
    expect(r[2]!.typ).toBe('OK');
    expect(r[2]!.data[0]).toMatch(/^\[APPENDUID \d+ 1\]/);
    expect(r[4]!.data[0]).toEqual([`1 (UID 1 FLAGS (\\Seen \\Draft \\Recent) INTERNALDATE " 5-Apr-2024 06:09:10 +0000" RFC822.SIZE ${draft.length} BODY[] {${draft.length}}`, latin1(draft)]);
    expect(r[5]!.typ).toBe('BYE');
  });
});
