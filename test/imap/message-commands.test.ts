// IMAP transcripts on a real socket for FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE and their UID forms: the RFC 3501/9051 examples, the extensions' examples, and bad input.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, tagged, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

/** A literal as the server writes it: `{octets}` CRLF and the text. */
function literal(text: string): string {
  return `{${Buffer.byteLength(text)}}\r\n${text}`;
}

const DAY = 86_400_000;
const FEB_1994 = Date.UTC(1994, 1, 1, 12, 0, 0);

function simpleMessage(n: number, from: string): string {
  return (
    `Date: Wed, ${String(n).padStart(2, '0')} Feb 1994 ${String(10 + (n % 10)).padStart(2, '0')}:00:00 -0800\r\n` +
    `From: ${from}\r\nSubject: message ${n}\r\nTo: alice@example.test\r\nMessage-ID: <n${n}@example.net>\r\n\r\n` +
    `Text of message ${n}.\r\n`
  );
}

const MULTIPART =
  'From: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: afternoon meeting\r\nTo: mooch@owatagu.siam.edu.example\r\n' +
  'Message-Id: <B27397-0100000@Blurdybloop.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="xyz"\r\n\r\n' +
  'preamble\r\n--xyz\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n' +
  'Hello Joe, do you think we can meet at 3:30 tomorrow? Caf=C3=A9 at noon.\r\n' +
  '--xyz\r\nContent-Type: application/octet-stream; name="z.bin"\r\nContent-Disposition: attachment; filename="z.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
  'AAECAwQFBgc=\r\n' +
  '--xyz\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.net\r\nSubject: inner\r\n\r\nInner body.\r\n' +
  '--xyz--\r\n';

describe('IMAP message commands', () => {
  let t: IMAPTestServer;
  let wire: IMAPWire;
  let aliceId: number;

  /** INBOX: 11 simple messages of Feb 1994 (from Smith for 3 of them), then the multipart one as 12. */
  async function fill(): Promise<void> {
    const inbox = await t.app.mailboxes.get(aliceId, 'INBOX');
    const uids = (await t.app.mailboxes.listFlags(inbox.id)).map((f) => f.uid);
    await t.app.mailboxes.remove(inbox.id, uids);
    for (let n = 1; n <= 11; n++) {
      const from = n % 4 === 0 ? 'John Smith <smith@example.net>' : `Sender ${n} <s${n}@example.net>`;
      await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from(simpleMessage(n, from)), {
        internalDate: FEB_1994 + n * DAY,
        flags: { flagged: n % 3 === 0, seen: n % 2 === 0 },
      });
    }
    await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from(MULTIPART), { internalDate: Date.UTC(1996, 6, 17, 9, 44, 25) });
  }

  beforeAll(async () => {
    t = await startIMAPTestServer();
    aliceId = t.accounts.get(ALICE)!;
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    wire?.close();
    await fill();
    wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
    expect(tagged(await wire.command('SELECT INBOX'))).toMatch(/^t\d+ OK \[READ-WRITE\]/);
  });

  it('FETCH (RFC 3501 §6.4.5 examples): header fields, ALL, FULL, and UID FETCH', async () => {
    const fields = await wire.command('FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])');
    expect(fields).toContain('* 2 FETCH (FLAGS (\\Seen \\Recent) BODY[HEADER.FIELDS (DATE FROM)] {');
    expect(fields).toContain('Date: Wed, 02 Feb 1994 12:00:00 -0800\r\nFrom: Sender 2 <s2@example.net>\r\n\r\n)');
    expect(fields).toContain('* 4 FETCH (FLAGS (\\Seen \\Recent) BODY[HEADER.FIELDS (DATE FROM)] {');
    expect(tagged(fields)).toMatch(/^t\d+ OK /);

    // The non-PEEK BODY[HEADER.FIELDS …] above set \Seen on 2:4.
    const all = untaggedLines(await wire.command('FETCH 3 ALL'));
    expect(all).toEqual([
      '* 3 FETCH (FLAGS (\\Seen \\Flagged \\Recent) INTERNALDATE " 4-Feb-1994 12:00:00 +0000" RFC822.SIZE 168 ENVELOPE ("Wed, 03 Feb 1994 13:00:00 -0800" "message 3" (("Sender 3" NIL "s3" "example.net")) (("Sender 3" NIL "s3" "example.net")) (("Sender 3" NIL "s3" "example.net")) ((NIL NIL "alice" "example.test")) NIL NIL NIL "<n3@example.net>"))',
    ]);
    const full = untaggedLines(await wire.command('FETCH 4 FULL'));
    expect(full[0]).toMatch(/^\* 4 FETCH \(FLAGS \(\\Seen \\Recent\) INTERNALDATE " 5-Feb-1994 12:00:00 \+0000" RFC822\.SIZE \d+ ENVELOPE \(.*\) BODY \("TEXT" "PLAIN" \("CHARSET" "us-ascii"\) NIL NIL "7BIT" 20 1\)\)$/);
    const uid = untaggedLines(await wire.command('UID FETCH 4827313:4828442 FLAGS'));
    expect(uid).toEqual([]);
    const uids = untaggedLines(await wire.command('UID FETCH 1:* FLAGS'));
    expect(uids).toHaveLength(12);
    expect(uids[0]).toMatch(/^\* 1 FETCH \(UID \d+ FLAGS \(\\Recent\)\)$/);
  });

  it('FETCH bodies: sections of a multipart, MIME headers, embedded message, partials, NIL for a missing part', async () => {
    const parts = await wire.command('FETCH 12 (BODY.PEEK[1] BODY.PEEK[1.MIME] BODY.PEEK[2]<2.6> BODY.PEEK[3.HEADER] BODY.PEEK[3.TEXT] BODY.PEEK[9] BODY.PEEK[TEXT]<0.8>)');
    expect(parts).toContain('BODY[1] {72}\r\nHello Joe, do you think we can meet at 3:30 tomorrow? Caf=C3=A9 at noon.');
    expect(parts).toContain(`BODY[1.MIME] ${literal('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n')}`);
    expect(parts).toContain('BODY[2]<2> {6}\r\nECAwQF');
    expect(parts).toContain(`BODY[3.HEADER] ${literal('From: inner@example.net\r\nSubject: inner\r\n\r\n')}`);
    // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).
    expect(parts).toContain(`BODY[3.TEXT] ${literal('Inner body.')} `);
    expect(parts).toContain('BODY[9] NIL');
    expect(parts).toContain('BODY[TEXT]<0> {8}\r\npreamble');
    // PEEK leaves \Seen alone; the whole message as RFC822 sets it and says so.
    expect(untaggedLines(await wire.command('FETCH 12 FLAGS'))).toEqual(['* 12 FETCH (FLAGS (\\Recent))']);
    const whole = await wire.command('FETCH 12 RFC822');
    expect(whole).toContain(`RFC822 {${MULTIPART.length}}\r\n${MULTIPART}`);
    expect(whole).toMatch(/ FLAGS \(\\Seen \\Recent\)\)\r\n/);
    // A partial past the end is empty (RFC 3501 §6.4.5).
    expect(await wire.command('FETCH 12 BODY.PEEK[]<100000.10>')).toContain('BODY[]<100000> {0}\r\n');
    const structure = untaggedLines(await wire.command('FETCH 12 BODYSTRUCTURE'))[0]!;
    expect(structure).toContain('("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 72 0 NIL NIL NIL NIL)');
    expect(structure).toContain('("APPLICATION" "OCTET-STREAM" ("NAME" "z.bin") NIL NIL "BASE64" 12 NIL ("ATTACHMENT" ("FILENAME" "z.bin")) NIL NIL)');
    expect(structure).toContain('("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 54 (NIL "inner" (');
    expect(structure).toMatch(/"MIXED" \("BOUNDARY" "xyz"\) NIL NIL NIL\)\)$/);
  });

  it('BINARY (RFC 3516): transfer encodings undone, literal8 for NUL, BINARY.SIZE', async () => {
    const binary = await wire.command('FETCH 12 (BINARY.PEEK[1] BINARY.SIZE[2] BINARY.PEEK[2] BINARY.SIZE[1])');
    expect(binary).toContain(`BINARY[1] ${literal('Hello Joe, do you think we can meet at 3:30 tomorrow? Café at noon.')}`);
    expect(binary).toContain(`BINARY.SIZE[2] 8 BINARY[2] ~{8}\r\n\x00\x01\x02\x03\x04\x05\x06\x07 BINARY.SIZE[1] ${Buffer.byteLength('Hello Joe, do you think we can meet at 3:30 tomorrow? Café at noon.')})`);
    expect(tagged(await wire.command('FETCH 12 BINARY[1.MIME]'))).toMatch(/^t\d+ BAD /);
    // BINARY[] is the whole message as stored: a multipart has nothing to decode at the top (RFC 3516 §4.2).
    expect(await wire.command('FETCH 12 (BINARY.SIZE[] BINARY.PEEK[])')).toContain(`* 12 FETCH (BINARY.SIZE[] ${Buffer.byteLength(MULTIPART)} BINARY[] ${literal(MULTIPART)})`);
  });

  it('APPEND with a literal8 (RFC 3516 §4.4): binary content kept as base64 for BODY[], given back byte for byte by BINARY[]', async () => {
    const bytes = Buffer.from([0x00, 0x2d, 0xe4, 0x0a, 0x0d, 0x0a, 0x0a]);
    const message = Buffer.concat([Buffer.from('From: a@example.net\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'), bytes]);
    wire.write(`b1 APPEND INBOX ~{${message.length}}\r\n`);
    await wire.until(/^\+ /);
    wire.write(Buffer.concat([message, Buffer.from('\r\n')]));
    expect(await wire.until(/b1 [A-Z]+[^\r\n]*\r\n/)).toMatch(/(^|\r\n)b1 OK \[APPENDUID \d+ \d+\]/);
    const body = await wire.command('FETCH 13 (BODY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[1])');
    // (The wire reads UTF-8, so the 0xE4 byte is checked through the base64 above.)
    expect(body).toContain(`BODY[1] ${literal(`${bytes.toString('base64')}\r\n`)} BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n\x00-`);
    // A literal8 anywhere but APPEND is refused before the client sends it.
    wire.write('b2 SELECT ~{5}\r\n');
    expect(await wire.until(/b2 [A-Z]+[^\r\n]*\r\n/)).toMatch(/(^|\r\n)b2 BAD /);
  });

  it('STORE (RFC 3501 §6.4.6 example), .SILENT, FLAGS replace, keywords', async () => {
    const store = untaggedLines(await wire.command('STORE 2:4 +FLAGS (\\Deleted)'));
    expect(store).toEqual(['* 2 FETCH (FLAGS (\\Seen \\Deleted \\Recent))', '* 3 FETCH (FLAGS (\\Flagged \\Deleted \\Recent))', '* 4 FETCH (FLAGS (\\Seen \\Deleted \\Recent))']);
    expect(untaggedLines(await wire.command('STORE 2 -FLAGS.SILENT (\\Deleted)'))).toEqual([]);
    // A keyword new to the mailbox is announced in FLAGS and PERMANENTFLAGS before a FETCH shows it (RFC 3501 §7.2.6).
    expect(untaggedLines(await wire.command('STORE 2 FLAGS ($Work \\Answered)'))).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
      '* 2 FETCH (FLAGS (\\Answered \\Recent $Work))',
    ]);
    expect(untaggedLines(await wire.command('STORE 3 +FLAGS ($work)'))).toEqual(['* 3 FETCH (FLAGS (\\Flagged \\Deleted \\Recent $work))']);
    await wire.command('STORE 3 -FLAGS.SILENT ($work)');
    expect(untaggedLines(await wire.command('UID FETCH 1:* FLAGS')).filter((l) => l.includes('$Work'))).toHaveLength(1);
    // The flags persist for a second session (no \Recent there).
    const other = await IMAPWire.connect(t.imapPort);
    await other.login(ALICE, passwordOf(ALICE));
    await other.command('EXAMINE INBOX');
    expect(untaggedLines(await other.command('FETCH 2:3 FLAGS'))).toEqual(['* 2 FETCH (FLAGS (\\Answered $Work))', '* 3 FETCH (FLAGS (\\Flagged \\Deleted))']);
    other.close();
    // NIL and a number are atoms, so keywords (RFC 3501 §9 flag-keyword); SEARCH takes NIL as a string.
    expect(untaggedLines(await wire.command('STORE 1 +FLAGS NIL')).filter((l) => l.includes(' FETCH '))).toEqual(['* 1 FETCH (FLAGS (\\Recent NIL))']);
    expect(untaggedLines(await wire.command('STORE 1 +FLAGS.SILENT (42)'))).not.toContain('* 1 FETCH');
    expect(untaggedLines(await wire.command('SEARCH KEYWORD NIL KEYWORD 42'))).toEqual(['* SEARCH 1']);
    expect(tagged(await wire.command('SEARCH SUBJECT NIL'))).toMatch(/^t\d+ OK /);
    expect(tagged(await wire.command('STORE 1 +FLAGS (\\Bogus)'))).toMatch(/^t\d+ BAD /);
    expect(tagged(await wire.command('STORE 1 XFLAGS (\\Seen)'))).toMatch(/^t\d+ BAD /);
  });

  it('STORE UNCHANGEDSINCE (RFC 7162 §3.1.3): MODIFIED lists the messages changed since', async () => {
    await wire.command('ENABLE CONDSTORE');
    const modseqs = untaggedLines(await wire.command('FETCH 5,7,9 (MODSEQ)')).map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)![1]));
    const base = Math.max(...modseqs);
    expect(untaggedLines(await wire.command('STORE 7 +FLAGS.SILENT (\\Answered)'))).toEqual([expect.stringMatching(/^\* 7 FETCH \(MODSEQ \(\d+\)\)$/)]);
    const conditional = await wire.command(`STORE 7,5,9 (UNCHANGEDSINCE ${base}) +FLAGS.SILENT (\\Deleted)`);
    expect(tagged(conditional)).toMatch(/^t\d+ OK \[MODIFIED 7\] /);
    expect(untaggedLines(conditional).map((l) => l.split(' ')[1])).toEqual(['5', '9']);
    expect(untaggedLines(await wire.command('FETCH 5,7,9 FLAGS')).map((l) => l.includes('\\Deleted'))).toEqual([true, false, true]);
  });

  it('EXPUNGE (RFC 3501 §6.4.3 example): numbers counted after each removal', async () => {
    await wire.command('STORE 3,4,7,11 +FLAGS.SILENT (\\Deleted)');
    const expunge = await wire.command('EXPUNGE');
    expect(untaggedLines(expunge)).toEqual(['* 3 EXPUNGE', '* 3 EXPUNGE', '* 5 EXPUNGE', '* 8 EXPUNGE']);
    expect(untaggedLines(await wire.command('NOOP'))).toEqual([]);
    expect(tagged(await wire.command('FETCH 9 FLAGS'))).toMatch(/^t\d+ BAD /);
    expect(untaggedLines(await wire.command('FETCH 8 (BODY[HEADER.FIELDS (SUBJECT)])'))[0]).toMatch(/^\* 8 FETCH \(BODY\[HEADER.FIELDS \(SUBJECT\)\] \{\d+\}$/);
  });

  it('UID EXPUNGE (RFC 4315 §2.1) removes only the named \\Deleted messages', async () => {
    const uids = untaggedLines(await wire.command('FETCH 1:3 UID')).map((l) => Number(/UID (\d+)/.exec(l)![1]));
    await wire.command('STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    const answer = await wire.command(`UID EXPUNGE ${uids[1]}:${uids[2]}`);
    expect(untaggedLines(answer)).toEqual(['* 2 EXPUNGE', '* 2 EXPUNGE']);
    expect(untaggedLines(await wire.command('FETCH 1 FLAGS'))[0]).toContain('\\Deleted');
  });

  it('SEARCH (RFC 3501 §6.4.4 examples) and every kind of key', async () => {
    const search = async (criteria: string): Promise<string> => untaggedLines(await wire.command(`SEARCH ${criteria}`))[0] ?? '';
    expect(await search('FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toBe('* SEARCH 3 6 9');
    expect(await search('TEXT "string not in mailbox"')).toBe('* SEARCH');
    expect(await search('FROM smith')).toBe('* SEARCH 4 8');
    expect(await search('OR FLAGGED FROM smith')).toBe('* SEARCH 3 4 6 8 9');
    expect(await search('(UNSEEN UNFLAGGED) 1:5')).toBe('* SEARCH 1 5');
    expect(await search('SEEN')).toBe('* SEARCH 2 4 6 8 10');
    expect(await search('BEFORE 5-Feb-1994')).toBe('* SEARCH 1 2 3');
    expect(await search('ON 5-Feb-1994')).toBe('* SEARCH 4');
    expect(await search('SENTON 3-Feb-1994')).toBe('* SEARCH 3');
    expect(await search('SENTBEFORE 3-Feb-1994')).toBe('* SEARCH 1 2');
    expect(await search('SENTSINCE 10-Feb-1994')).toBe('* SEARCH 10 11');
    expect(await search('SUBJECT "message 1"')).toBe('* SEARCH 1 10 11');
    expect(await search('HEADER Message-ID n11@')).toBe('* SEARCH 11');
    expect(await search('HEADER X-Missing ""')).toBe('* SEARCH');
    expect(await search('HEADER MIME-Version ""')).toBe('* SEARCH 12');
    expect(await search('BODY joe')).toBe('* SEARCH 12');
    // BODY looks at the body only; TEXT at header and body.
    expect(await search('BODY afternoon')).toBe('* SEARCH');
    expect(await search('TEXT afternoon')).toBe('* SEARCH 12');
    expect(await search('TO mooch')).toBe('* SEARCH 12');
    expect(await search('LARGER 500')).toBe('* SEARCH 12');
    expect(await search('SMALLER 170 NOT 12')).toMatch(/^\* SEARCH 1 2/);
    expect(await search('NEW')).toBe('* SEARCH 1 3 5 7 9 11 12');
    expect(await search('OLD')).toBe('* SEARCH');
    expect(await search('RECENT 11:*')).toBe('* SEARCH 11 12');
    expect(await search('NOT ALL')).toBe('* SEARCH');
    expect(await search('KEYWORD $Nothing')).toBe('* SEARCH');
    expect(await search('UNKEYWORD $Nothing 12')).toBe('* SEARCH 12');
    const uid12 = Number(/UID (\d+)/.exec(untaggedLines(await wire.command('FETCH 12 UID'))[0]!)![1]);
    expect(untaggedLines(await wire.command(`UID SEARCH UID ${uid12}:*`))).toEqual([`* SEARCH ${uid12}`]);
    expect(untaggedLines(await wire.command(`SEARCH UID ${uid12}`))).toEqual(['* SEARCH 12']);
  });

  it('SEARCH CHARSET UTF-8 with a literal (RFC 3501 §6.4.4), BADCHARSET for others', async () => {
    wire.write('t90 SEARCH CHARSET UTF-8 BODY {5}\r\n');
    await wire.until(/^\+ /m);
    wire.write(Buffer.concat([Buffer.from('caf\xc3\xa9', 'latin1'), Buffer.from('\r\n')]));
    expect(untaggedLines(await wire.until(/^t90 /m))).toEqual(['* SEARCH 12']);
    expect(tagged(await wire.command('SEARCH CHARSET KOI8-R ALL'))).toMatch(/^t\d+ NO \[BADCHARSET \(UTF-8 US-ASCII\)\] /);
    expect(untaggedLines(await wire.command('SEARCH CHARSET us-ascii FROM smith'))).toEqual(['* SEARCH 4 8']);
  });

  it('ESEARCH (RFC 4731 examples): RETURN MIN MAX COUNT ALL, UID, empty results', async () => {
    const esearch = untaggedLines(await wire.command('SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"'));
    expect(esearch).toEqual([expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) MIN 3 COUNT 3$/)]);
    expect(untaggedLines(await wire.command('SEARCH RETURN () 1:4 SEEN'))).toEqual([expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) ALL 2,4$/)]);
    expect(untaggedLines(await wire.command('SEARCH RETURN (MIN MAX ALL COUNT) SUBJECT nothing-here'))).toEqual([expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) COUNT 0$/)]);
    const uid = untaggedLines(await wire.command('UID SEARCH RETURN (MAX) ALL'))[0]!;
    expect(uid).toMatch(/^\* ESEARCH \(TAG "t\d+"\) UID MAX \d+$/);
    expect(tagged(await wire.command('SEARCH RETURN (SAVE) ALL'))).toMatch(/^t\d+ BAD /);
    // IMAP4rev2 answers a plain SEARCH with ESEARCH (RFC 9051 §6.4.4).
    const rev2 = await IMAPWire.connect(t.imapPort);
    await rev2.login(ALICE, passwordOf(ALICE));
    await rev2.command('ENABLE IMAP4rev2');
    await rev2.command('EXAMINE INBOX');
    expect(untaggedLines(await rev2.command('SEARCH FROM smith'))).toEqual([expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) ALL 4,8$/)]);
    rev2.close();
  });

  it('SEARCH MODSEQ (RFC 7162 §3.1.5) turns CONDSTORE on and reports the highest MODSEQ', async () => {
    await wire.command('STORE 2 +FLAGS.SILENT (\\Answered)');
    const first = untaggedLines(await wire.command('FETCH 2 MODSEQ'));
    // The first CONDSTORE-enabling command with a mailbox selected tells its HIGHESTMODSEQ (RFC 7162 §3.1).
    expect(first[0]).toMatch(/^\* OK \[HIGHESTMODSEQ \d+\] /);
    const highest = Number(/MODSEQ \((\d+)\)/.exec(first[1]!)![1]);
    expect(Number(/HIGHESTMODSEQ (\d+)/.exec(first[0]!)![1])).toBe(highest);
    expect(untaggedLines(await wire.command(`SEARCH MODSEQ ${highest}`))).toEqual([`* SEARCH 2 (MODSEQ ${highest})`]);
    expect(untaggedLines(await wire.command(`SEARCH MODSEQ "/flags/\\\\answered" all ${highest}`))).toEqual([`* SEARCH 2 (MODSEQ ${highest})`]);
    // RFC 4731 §3.2: with only MIN or MAX, MODSEQ is that of the messages returned; with ALL or COUNT, of every match.
    await wire.command('STORE 3 +FLAGS.SILENT (\\Answered)');
    const modseqOf = async (n: number): Promise<number> => Number(/MODSEQ \((\d+)\)/.exec(await wire.command(`FETCH ${n} MODSEQ`))![1]);
    const [m1, m2, m3] = [await modseqOf(1), await modseqOf(2), await modseqOf(3)];
    expect(m3).toBeGreaterThan(m2);
    expect(untaggedLines(await wire.command('SEARCH RETURN (MIN) 1:3 MODSEQ 1'))).toEqual([`* ESEARCH (TAG "t${wire.lastTag}") MIN 1 MODSEQ ${m1}`]);
    expect(untaggedLines(await wire.command('SEARCH RETURN (MIN MAX) 1:2 MODSEQ 1'))).toEqual([`* ESEARCH (TAG "t${wire.lastTag}") MIN 1 MAX 2 MODSEQ ${Math.max(m1, m2)}`]);
    expect(untaggedLines(await wire.command('SEARCH RETURN (COUNT) 1:3 MODSEQ 1'))).toEqual([`* ESEARCH (TAG "t${wire.lastTag}") COUNT 3 MODSEQ ${m3}`]);
  });

  it('ENVELOPE keeps a source route (RFC 3501 §7.4.2); FROM, TO, CC and BCC search every part of the addresses (RFC 3501 §6.4.4)', async () => {
    const raw = 'From: <@route.example:user-from (comment)@ (comment) domain.example>\r\nTo: Real To <to@domain.example>\r\nBcc: group: g1@d1.example;\r\nSubject: routes\r\n\r\nbody\r\n';
    await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from(raw));
    await wire.command('NOOP');
    expect(await wire.command('FETCH 13 ENVELOPE')).toContain('((NIL "@route.example" "user-from" "domain.example")) ((NIL "@route.example" "user-from" "domain.example"))');
    for (const [key, found] of [
      ['FROM user-from@domain.example', '13'],
      ['FROM ser-from@dom', '13'],
      ['FROM @route.example', '13'],
      ['TO "real to"', '13'],
      ['BCC group', '13'],
      ['BCC g1@d1', '13'],
      ['BCC g2@d1', ''],
    ] as const) {
      expect(untaggedLines(await wire.command(`SEARCH ${key}`)), key).toEqual([`* SEARCH${found ? ` ${found}` : ''}`]);
    }
  });

  it('COPY (RFC 3501 §6.4.7 example) with TRYCREATE and COPYUID (RFC 4315)', async () => {
    expect(tagged(await wire.command('COPY 2:4 MEETING'))).toMatch(/^t\d+ NO \[TRYCREATE\] /);
    await wire.command('CREATE MEETING');
    const copy = tagged(await wire.command('COPY 2:4 MEETING'));
    const match = /^t\d+ OK \[COPYUID (\d+) (\d+):(\d+) 1:3\] /.exec(copy);
    expect(match, copy).not.toBeNull();
    const status = untaggedLines(await wire.command('STATUS MEETING (MESSAGES UIDNEXT)'));
    expect(status).toEqual(['* STATUS MEETING (MESSAGES 3 UIDNEXT 4)']);
    // The source is untouched.
    expect(untaggedLines(await wire.command('NOOP'))).toEqual([]);
    await wire.command('DELETE MEETING');
  });

  it('MOVE (RFC 6851 §4.5 example): untagged COPYUID, then the expunges', async () => {
    const uids = untaggedLines(await wire.command('FETCH 2:4 UID')).map((l) => Number(/UID (\d+)/.exec(l)![1]));
    const move = await wire.command('MOVE 2:4 Archive');
    const lines = move.split('\r\n');
    expect(lines[0]).toMatch(new RegExp(`^\\* OK \\[COPYUID \\d+ ${uids[0]}:${uids[2]} \\d+:\\d+\\] `));
    expect(lines.slice(1, 4)).toEqual(['* 2 EXPUNGE', '* 2 EXPUNGE', '* 2 EXPUNGE']);
    expect(tagged(move)).toMatch(/^t\d+ OK /);
    await wire.command('ENABLE QRESYNC');
    const uidMove = await wire.command(`UID MOVE ${uids[2]! + 1} Trash`);
    expect(untaggedLines(uidMove)).toEqual([expect.stringMatching(/^\* OK \[COPYUID /), `* VANISHED ${uids[2]! + 1}`]);
    expect(tagged(await wire.command('MOVE 1 "No such"'))).toMatch(/^t\d+ NO \[TRYCREATE\] /);
  });

  it('read-only EXAMINE: no STORE, EXPUNGE or MOVE, and FETCH BODY[] does not set \\Seen', async () => {
    await wire.command('EXAMINE INBOX');
    expect(tagged(await wire.command('STORE 1 +FLAGS (\\Seen)'))).toMatch(/^t\d+ NO \[READ-ONLY\] /);
    expect(tagged(await wire.command('EXPUNGE'))).toMatch(/^t\d+ NO \[READ-ONLY\] /);
    expect(tagged(await wire.command('MOVE 1 Trash'))).toMatch(/^t\d+ NO \[READ-ONLY\] /);
    const fetch = await wire.command('FETCH 1 BODY[]');
    expect(fetch).not.toContain('FLAGS');
    expect(untaggedLines(await wire.command('FETCH 1 FLAGS'))).toEqual(['* 1 FETCH (FLAGS ())']);
    expect(tagged(await wire.command('COPY 1 Archive'))).toMatch(/^t\d+ OK \[COPYUID /);
  });

  it('bad input: a tagged BAD and the session goes on', async () => {
    for (const command of [
      'FETCH 13 FLAGS',
      'FETCH 0 FLAGS',
      'FETCH 1 (FLAGS',
      'FETCH 1 BOGUS',
      'FETCH 1 BODY[HEADER.FIELDS ()]',
      'FETCH 1 BODY[4.MIME.TEXT]',
      'FETCH 1 BODY[1.2.MIME]<5>',
      'FETCH 1 UID<0.5>',
      'FETCH 1 (FLAGS) (CHANGEDSINCE)',
      'FETCH 1 FLAGS (VANISHED)',
      'FETCH',
      'STORE 1',
      'STORE 1 +FLAGS',
      'SEARCH',
      'SEARCH BOGUS',
      'SEARCH SINCE 32-Feb-1994',
      'SEARCH LARGER x',
      'SEARCH OR FLAGGED',
      `SEARCH ${'NOT '.repeat(200)}ALL`,
      'COPY 1',
      'UID BOGUS 1',
      'UID EXPUNGE',
    ]) {
      expect(tagged(await wire.command(command)), command).toMatch(/^t\d+ BAD /);
      // Too many BADs in a row end the connection by design; a good command between keeps it open.
      expect(tagged(await wire.command('NOOP'))).toMatch(/^t\d+ OK /);
    }
    const names = Array.from({ length: 101 }, (_, i) => `X-${i}`).join(' ');
    expect(tagged(await wire.command(`FETCH 1 BODY[HEADER.FIELDS (${names})]`))).toMatch(/^t\d+ BAD /);
    expect(tagged(await wire.command('FETCH 1 UID'))).toMatch(/^t\d+ OK /);
    // In the authenticated state the message commands are refused before they run.
    await wire.command('UNSELECT');
    for (const command of ['FETCH 1 FLAGS', 'STORE 1 +FLAGS (\\Seen)', 'SEARCH ALL', 'COPY 1 Trash', 'EXPUNGE', 'UID FETCH 1 FLAGS']) {
      expect(tagged(await wire.command(command)), command).toMatch(/^t\d+ BAD /);
      expect(tagged(await wire.command('NOOP'))).toMatch(/^t\d+ OK /);
    }
  });

  it('a fresh account can SELECT and APPEND to its default mailboxes before any LIST', async () => {
    const bob = await IMAPWire.connect(t.imapPort);
    await bob.login('bob@example.test', passwordOf('bob@example.test'));
    expect(tagged(await bob.command('SELECT Drafts'))).toMatch(/^t\d+ OK \[READ-WRITE\] /);
    const message = 'Subject: hi\r\n\r\nbody\r\n';
    expect(tagged(await bob.command(`APPEND Sent {${message.length}+}\r\n${message}`))).toMatch(/^t\d+ OK \[APPENDUID /);
    expect(tagged(await bob.command('STATUS Archive (MESSAGES)'))).toMatch(/^t\d+ OK /);
    expect(tagged(await bob.command('SELECT Nonexistent'))).toMatch(/^t\d+ NO \[NONEXISTENT\] /);
    bob.close();
  });

  it('streams a large message body in one literal, byte for byte', async () => {
    const line = `${'0123456789'.repeat(7)}abcdef\r\n`;
    const big = `From: big@example.net\r\nSubject: big\r\n\r\n${line.repeat(50_000)}`;
    await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from(big));
    await wire.command('NOOP');
    const body = await wire.command('FETCH 13 (RFC822.SIZE BODY.PEEK[TEXT]<1000000.1000>)', 15_000);
    expect(body).toContain(`RFC822.SIZE ${big.length} BODY[TEXT]<1000000> {1000}\r\n${big.slice(big.indexOf('\r\n\r\n') + 4).slice(1_000_000, 1_001_000)})`);
    const whole = await wire.command('FETCH 13 BODY.PEEK[]', 15_000);
    expect(whole).toContain(`BODY[] {${big.length}}\r\n${big})\r\n`);
  });
});
