// IMAP APPEND transcripts on a real socket: RFC 3501 §6.3.11 example, APPENDUID, TRYCREATE, OVERQUOTA, TOOBIG, UTF8 (RFC 6855), EXISTS for the selected mailbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { APPEND_EXAMPLE } from '../../src/proto/imap/imap-test-support.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const MAX_BYTES = 64 * 1024;

describe('IMAP APPEND', () => {
  let t: IMAPTestServer;
  let wire: IMAPWire;
  let aliceId: number;
  beforeAll(async () => {
    t = await startIMAPTestServer({ env: { MAILWARD_SMTP_MAX_MESSAGE_BYTES: String(MAX_BYTES) } });
    aliceId = t.accounts.get(ALICE)!;
    await t.app.mailboxes.create(aliceId, 'saved-messages');
    wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
  });
  afterAll(async () => {
    wire.close();
    await t.close();
  });

  async function append(head: string, body: string | Buffer): Promise<string> {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    wire.write(`${head} {${bytes.length}}\r\n`);
    await wire.until(/^\+ [^\r\n]*\r\n/);
    wire.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
    const tag = head.split(' ')[0]!;
    return wire.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
  }

  it('stores the RFC 3501 example with flags and date, answers APPENDUID, keeps the bytes as sent', async () => {
    const answer = await append('A003 APPEND saved-messages (\\Seen $Work) "07-Feb-1994 21:52:25 -0800"', APPEND_EXAMPLE);
    const mailbox = (await t.app.mailboxes.find(aliceId, 'saved-messages'))!;
    expect(answer).toBe(`A003 OK [APPENDUID ${mailbox.uid_validity} 1] APPEND completed\r\n`);
    const [row] = await t.app.mailboxes.messages(mailbox.id, [1]);
    expect(row).toMatchObject({ seen: 1, keywords: '$Work', internal_date: Date.UTC(1994, 1, 8, 5, 52, 25) });
    expect((await t.app.mailboxes.body(row!.blob_id)).toString()).toBe(APPEND_EXAMPLE);
  });

  it('takes a non-synchronising literal (LITERAL+) and no flags or date', async () => {
    wire.write(`A004 APPEND saved-messages {${APPEND_EXAMPLE.length}+}\r\n${APPEND_EXAMPLE}\r\n`);
    expect(await wire.until(/A004 /)).toMatch(/^A004 OK \[APPENDUID \d+ 2\]/);
  });

  it('answers NO [TRYCREATE] for a missing mailbox, [CANNOT] for a name that can never exist, BAD for bad syntax', async () => {
    expect(await append('A005 APPEND no-such-box', APPEND_EXAMPLE)).toMatch(/^A005 NO \[TRYCREATE\]/);
    expect(await append('A006 APPEND "a//b"', APPEND_EXAMPLE)).toMatch(/^A006 NO \[CANNOT\]/);
    expect(await append('A007 APPEND saved-messages "not a date"', APPEND_EXAMPLE)).toMatch(/^A007 BAD /);
    expect(await append('A008 APPEND saved-messages (\\Bogus)', APPEND_EXAMPLE)).toMatch(/^A008 BAD /);
    expect(await wire.command('APPEND saved-messages')).toMatch(/^t\d+ BAD /);
    expect(await append('A009 APPEND saved-messages', '')).toMatch(/^A009 NO /);
  });

  it('refuses a message over APPENDLIMIT with [TOOBIG] before reading it', async () => {
    expect(await wire.command('CAPABILITY')).toContain(`APPENDLIMIT=${MAX_BYTES}`);
    wire.write(`A010 APPEND saved-messages {${MAX_BYTES + 1}}\r\n`);
    expect(await wire.until(/A010 /)).toMatch(/^A010 NO \[TOOBIG\]/);
    expect(await wire.command('NOOP')).toMatch(/^t\d+ OK /);
  });

  it('answers [OVERQUOTA] when the account quota would be exceeded', async () => {
    await t.app.store.accounts.update(aliceId, { quota_bytes: 1024 });
    expect(await append('A011 APPEND saved-messages', APPEND_EXAMPLE + 'x'.repeat(2000) + '\r\n')).toMatch(/^A011 NO \[OVERQUOTA\]/);
    await t.app.store.accounts.update(aliceId, { quota_bytes: 0 });
  });

  it('an APPEND to the selected mailbox reports EXISTS before its tagged OK', async () => {
    expect(await wire.command('SELECT saved-messages')).toMatch(/\* 2 EXISTS/);
    const answer = await append('A012 APPEND saved-messages', APPEND_EXAMPLE);
    expect(answer).toMatch(/^\* 3 EXISTS\r\n(\* \d+ RECENT\r\n)?A012 OK \[APPENDUID \d+ 3\]/);
    await wire.command('UNSELECT');
  });

  it('stores bare LF as CRLF', async () => {
    const answer = await append('A013 APPEND saved-messages', 'Subject: lf\n\nline one\nline two\n');
    const uid = Number(/APPENDUID \d+ (\d+)/.exec(answer)![1]);
    const mailbox = (await t.app.mailboxes.find(aliceId, 'saved-messages'))!;
    const [row] = await t.app.mailboxes.messages(mailbox.id, [uid]);
    expect((await t.app.mailboxes.body(row!.blob_id)).toString()).toBe('Subject: lf\r\n\r\nline one\r\nline two\r\n');
  });

  it('APPEND UTF8 (~{n}) needs UTF8=ACCEPT (RFC 6855 §4), then stores UTF-8 headers and names', async () => {
    const utf8Message = Buffer.from('Subject: Grüße aus Köln\r\nFrom: Jörg <jörg@example.test>\r\n\r\nHallo\r\n');
    const other = await IMAPWire.connect(t.imapPort);
    await other.login(ALICE, passwordOf(ALICE));
    other.write(`u1 APPEND INBOX UTF8 (~{${utf8Message.length}}\r\n`);
    // Refused before the literal is sent: no continuation, a tagged BAD, and the connection goes on.
    const refused = await other.until(/u1 (OK|NO|BAD)|\+ /);
    if (refused.startsWith('+')) {
      other.write(Buffer.concat([utf8Message, Buffer.from(')\r\n')]));
      expect(await other.until(/u1 /)).toMatch(/u1 BAD /);
    } else {
      expect(refused).toMatch(/u1 BAD /);
    }
    expect(await other.command('ENABLE UTF8=ACCEPT')).toMatch(/ENABLED/);
    expect(await other.command('CREATE "Entwürfe"')).toMatch(/^t\d+ OK /);
    other.write(`u2 APPEND "Entwürfe" UTF8 (~{${utf8Message.length}}\r\n`);
    await other.until(/^\+ /);
    other.write(Buffer.concat([utf8Message, Buffer.from(')\r\n')]));
    expect(await other.until(/u2 /)).toMatch(/^u2 OK \[APPENDUID \d+ 1\]/);
    const mailbox = (await t.app.mailboxes.find(aliceId, 'Entwürfe'))!;
    const [row] = await t.app.mailboxes.messages(mailbox.id, [1]);
    expect(await t.app.mailboxes.body(row!.blob_id)).toEqual(utf8Message);
    other.close();
  });

  it('cannot append to another user’s mailbox', async () => {
    await t.app.mailboxes.create(t.accounts.get(BOB)!, 'bob-box');
    expect(await append('A014 APPEND bob-box', APPEND_EXAMPLE)).toMatch(/^A014 NO \[TRYCREATE\]/);
    const bobBox = (await t.app.mailboxes.find(t.accounts.get(BOB)!, 'bob-box'))!;
    expect((await t.app.mailboxes.counts(bobBox.id)).messages).toBe(0);
  });
});
