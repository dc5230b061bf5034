// IMAP transcripts on a real socket for CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS, NAMESPACE and QUOTA, with hostile names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, tagged, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

describe('IMAP mailbox commands', () => {
  let t: IMAPTestServer;
  let wire: IMAPWire;
  let aliceId: number;
  beforeAll(async () => {
    t = await startIMAPTestServer();
    aliceId = t.accounts.get(ALICE)!;
    wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
  });
  afterAll(async () => {
    wire.close();
    await t.close();
  });

  const names = async (): Promise<string[]> => (await t.app.mailboxes.list(aliceId)).map((m) => m.name);

  it('CREATE makes missing parents, takes a trailing delimiter, refuses duplicates and INBOX', async () => {
    expect(tagged(await wire.command('CREATE owatagusiam/blurdybloop'))).toMatch(/^t\d+ OK /);
    expect(await names()).toEqual(expect.arrayContaining(['owatagusiam', 'owatagusiam/blurdybloop']));
    // RFC 3501 §6.3.3: `zap/` declares that names will be created below zap.
    expect(tagged(await wire.command('CREATE zap/'))).toMatch(/^t\d+ OK /);
    expect(await names()).toContain('zap');
    expect(tagged(await wire.command('CREATE zap'))).toMatch(/^t\d+ NO \[ALREADYEXISTS\]/);
    expect(tagged(await wire.command('CREATE inbox'))).toMatch(/^t\d+ NO \[ALREADYEXISTS\]/);
    expect(tagged(await wire.command('CREATE INBOX/Receipts'))).toMatch(/^t\d+ OK /);
    expect(tagged(await wire.command('CREATE'))).toMatch(/^t\d+ BAD /);
  });

  it('CREATE-SPECIAL-USE (RFC 6154 §5.2): one known attribute no other mailbox has', async () => {
    expect(tagged(await wire.command('CREATE MySpecial (USE (\\Drafts \\Sent))'))).toMatch(/^t\d+ NO \[USEATTR\]/);
    expect(tagged(await wire.command('CREATE MySpecial (USE (\\Important))'))).toMatch(/^t\d+ NO \[USEATTR\]/);
    expect(await names()).not.toContain('MySpecial');
    expect(tagged(await wire.command('CREATE Spam (USE (\\Junk))'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LIST "" Spam'))).toEqual(['* LIST (\\HasNoChildren \\Junk) "/" Spam']);
    expect(tagged(await wire.command('CREATE Other (COLOR red)'))).toMatch(/^t\d+ BAD /);
  });

  it('refuses hostile names cleanly and stays usable', async () => {
    for (const name of ['"a//b"', '"/abs"', '"%"', '"a*b"', '"bad\\\\name"', '".."']) {
      const answer = tagged(await wire.command(`CREATE ${name}`));
      expect(answer, name).toMatch(name === '".."' || name === '"bad\\\\name"' ? /^t\d+ (OK|NO)/ : /^t\d+ NO \[CANNOT\]/);
    }
    // `..` has no meaning to the store (names are not paths), but is only ever a name of this account.
    expect((await t.app.mailboxes.list(t.accounts.get(BOB)!)).map((m) => m.name)).not.toContain('..');
    wire.write(`t90 CREATE {3}\r\n`);
    await wire.until(/^\+ /);
    wire.write('a\x01b\r\n');
    // A control character is not modified UTF-7: refused by the grammar before the store sees it.
    expect(await wire.until(/t90 /)).toMatch(/^t90 BAD /);
    const long = 'x'.repeat(10 * 1024);
    expect(tagged(await wire.command(`CREATE ${long}`))).toMatch(/^t\d+ NO \[CANNOT\]/);
    expect(tagged(await wire.command(`DELETE ${long}`))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    // Well formed but not modified UTF-7 (RFC 3501 §5.1.3): no mailbox can have that name, a NO and not a BAD.
    expect(tagged(await wire.command('CREATE "&Jjo"'))).toMatch(/^t\d+ NO \[CANNOT\]/);
    expect(tagged(await wire.command("SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}"))).toMatch(/^t\d+ NO \[CANNOT\]/);
    const listed = await wire.command("LIST \"\" !#$&'+,-.0123456789:;<=>?@^_`|[}%*");
    expect(untaggedLines(listed)).toEqual([]);
    expect(tagged(listed)).toMatch(/^t\d+ OK /);
    expect(tagged(await wire.command('NOOP'))).toMatch(/^t\d+ OK /);
  });

  it('DELETE: INBOX never, a missing mailbox NONEXISTENT, inferiors kept', async () => {
    expect(tagged(await wire.command('DELETE INBOX'))).toMatch(/^t\d+ NO \[NOPERM\]/);
    expect(tagged(await wire.command('DELETE nothing-here'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    expect(tagged(await wire.command('DELETE owatagusiam'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LIST "" owatagusiam%'))).toEqual(['* LIST (\\Noselect \\HasChildren) "/" owatagusiam']);
    expect(tagged(await wire.command('DELETE owatagusiam'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
  });

  it('DELETE of the selected mailbox leaves the selected state with [CLOSED] and the session keeps working', async () => {
    await t.app.mailboxes.create(aliceId, 'Doomed');
    await t.app.mailboxes.append(aliceId, 'Doomed', Buffer.from('Subject: x\r\n\r\nbody\r\n'));
    expect(await wire.command('SELECT Doomed')).toMatch(/\* 1 EXISTS/);
    const deleted = await wire.command('DELETE Doomed');
    expect(deleted).toMatch(/^\* OK \[CLOSED\] /);
    expect(tagged(deleted)).toMatch(/^t\d+ OK /);
    expect(tagged(await wire.command('CLOSE'))).toMatch(/^t\d+ BAD /);
    expect(tagged(await wire.command('LIST "" Doomed'))).toMatch(/^t\d+ OK /);
    expect(await wire.command('SELECT INBOX')).toMatch(/OK \[READ-WRITE\]/);
    expect(tagged(await wire.command('UNSELECT'))).toMatch(/^t\d+ OK /);
  });

  it('RENAME moves inferiors; renaming INBOX moves its messages and leaves INBOX empty (RFC 3501 §6.3.5)', async () => {
    await t.app.mailboxes.create(aliceId, 'Projects/2024/Q1');
    expect(tagged(await wire.command('RENAME Projects Archive/Projects'))).toMatch(/^t\d+ OK /);
    expect(await names()).toEqual(expect.arrayContaining(['Archive/Projects', 'Archive/Projects/2024', 'Archive/Projects/2024/Q1']));
    expect(await names()).not.toContain('Projects');
    expect(tagged(await wire.command('RENAME nothing-here elsewhere'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    expect(tagged(await wire.command('RENAME Drafts Sent'))).toMatch(/^t\d+ NO \[ALREADYEXISTS\]/);
    expect(tagged(await wire.command('RENAME zap zap/inner'))).toMatch(/^t\d+ NO /);
    // Special use stays with the mailbox.
    expect(tagged(await wire.command('RENAME Drafts Entw&APw-rfe'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LIST "" Entw*'))).toEqual(['* LIST (\\HasNoChildren \\Drafts) "/" Entw&APw-rfe']);

    await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from('Subject: one\r\n\r\n1\r\n'));
    await t.app.mailboxes.append(aliceId, 'INBOX', Buffer.from('Subject: two\r\n\r\n2\r\n'));
    const other = await IMAPWire.connect(t.imapPort);
    await other.login(ALICE, passwordOf(ALICE));
    expect(await other.command('SELECT INBOX')).toMatch(/\* 2 EXISTS/);
    expect(tagged(await wire.command('RENAME INBOX "Old Inbox"'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('STATUS INBOX (MESSAGES)'))).toEqual(['* STATUS INBOX (MESSAGES 0)']);
    expect(untaggedLines(await wire.command('STATUS "Old Inbox" (MESSAGES)'))).toEqual(['* STATUS "Old Inbox" (MESSAGES 2)']);
    // The session that has INBOX selected learns that its messages left.
    expect(await other.command('NOOP')).toMatch(/\* 1 EXPUNGE\r\n\* 1 EXPUNGE\r\n/);
    other.close();
  });

  it('SUBSCRIBE and UNSUBSCRIBE change what LSUB and LIST (SUBSCRIBED) show; a subscription outlives its mailbox (RFC 3501 §6.3.6)', async () => {
    // CREATE subscribes nothing; the client does (the webmail's folders and the default ones are subscribed for it).
    expect(tagged(await wire.command('CREATE Lists/ietf'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LSUB "" Lists/*'))).toEqual([]);
    expect(tagged(await wire.command('UNSUBSCRIBE Lists/ietf'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    expect(untaggedLines(await wire.command('LSUB "" %'))).toEqual(expect.arrayContaining(['* LSUB () "/" INBOX', '* LSUB () "/" Sent']));
    expect(tagged(await wire.command('SUBSCRIBE Lists/ietf'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LSUB "" Lists/*'))).toEqual(['* LSUB () "/" Lists/ietf']);
    expect(untaggedLines(await wire.command('LIST (SUBSCRIBED) "" Lists/*'))).toEqual(['* LIST (\\HasNoChildren \\Subscribed) "/" Lists/ietf']);
    expect(tagged(await wire.command('SUBSCRIBE nothing-here'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    // Deleted, the name stays subscribed: LIST (SUBSCRIBED) says \NonExistent, plain LIST says nothing (RFC 5258 §3.1).
    expect(tagged(await wire.command('DELETE Lists/ietf'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LIST (SUBSCRIBED) "" Lists/*'))).toEqual(['* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" Lists/ietf']);
    expect(untaggedLines(await wire.command('LIST "" Lists/*'))).toEqual([]);
    expect(untaggedLines(await wire.command('LIST "" Lists/%'))).toEqual([]);
    expect(untaggedLines(await wire.command('LSUB "" Lists/*'))).toEqual(['* LSUB () "/" Lists/ietf']);
    expect(tagged(await wire.command('UNSUBSCRIBE Lists/ietf'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LIST (SUBSCRIBED) "" Lists/*'))).toEqual([]);
    // RENAME carries the subscriptions of the mailbox and those below it.
    await wire.command('CREATE Proj/a');
    await wire.command('SUBSCRIBE Proj/a');
    expect(tagged(await wire.command('RENAME Proj Done'))).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await wire.command('LSUB "" *'))).toEqual(expect.arrayContaining(['* LSUB () "/" Done/a']));
    expect(untaggedLines(await wire.command('LSUB "" Proj*'))).toEqual([]);
  });

  it('STATUS: rev1 items, SIZE, DELETED, HIGHESTMODSEQ; of the selected mailbox too; unknown items are BAD', async () => {
    await t.app.mailboxes.create(aliceId, 'Stats');
    const a = await t.app.mailboxes.append(aliceId, 'Stats', Buffer.from('Subject: a\r\n\r\nA\r\n'), { flags: { seen: true } });
    await t.app.mailboxes.append(aliceId, 'Stats', Buffer.from('Subject: b\r\n\r\nBB\r\n'), { flags: { deleted: true } });
    const mailbox = a.mailbox;
    const lines = untaggedLines(await wire.command('STATUS Stats (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT SIZE DELETED HIGHESTMODSEQ)'));
    const fresh = (await t.app.mailboxes.byId(mailbox.id))!;
    expect(lines).toEqual([
      `* STATUS Stats (MESSAGES 2 UIDNEXT 3 UIDVALIDITY ${mailbox.uid_validity} UNSEEN 1 RECENT 2 SIZE ${Buffer.byteLength('Subject: a\r\n\r\nA\r\nSubject: b\r\n\r\nBB\r\n')} DELETED 1 HIGHESTMODSEQ ${fresh.highest_modseq})`,
    ]);
    expect(untaggedLines(await wire.command('STATUS Stats (APPENDLIMIT)'))[0]).toMatch(/^\* STATUS Stats \(APPENDLIMIT \d+\)$/);
    await wire.command('SELECT Stats');
    expect(untaggedLines(await wire.command('STATUS Stats (MESSAGES)'))).toEqual(['* STATUS Stats (MESSAGES 2)']);
    await wire.command('UNSELECT');
    expect(tagged(await wire.command('STATUS Stats (BOGUS)'))).toMatch(/^t\d+ BAD /);
    expect(tagged(await wire.command('STATUS Stats ()'))).toMatch(/^t\d+ BAD /);
    expect(tagged(await wire.command('STATUS nothing-here (MESSAGES)'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
  });

  it('NAMESPACE: one personal namespace (RFC 2342)', async () => {
    expect(await wire.command('NAMESPACE')).toMatch(/^\* NAMESPACE \(\(\"\" \"\/\"\)\) NIL NIL\r\nt\d+ OK /);
  });

  it('QUOTA: root "" with STORAGE in KiB where a quota exists, an empty list where none does, SETQUOTA refused', async () => {
    expect(await wire.command('CAPABILITY')).toMatch(/ QUOTA QUOTA=RES-STORAGE /);
    expect(await wire.command('CAPABILITY')).not.toMatch(/RES-MESSAGE/);
    expect(untaggedLines(await wire.command('GETQUOTAROOT INBOX'))).toEqual(['* QUOTAROOT INBOX ""', '* QUOTA "" ()']);
    await t.app.store.accounts.update(aliceId, { quota_bytes: 10 * 1024 * 1024 });
    const usage = await t.app.mailboxes.usage(aliceId);
    const used = Math.ceil(usage.size / 1024);
    expect(untaggedLines(await wire.command('GETQUOTAROOT Stats'))).toEqual(['* QUOTAROOT Stats ""', `* QUOTA "" (STORAGE ${used} 10240)`]);
    expect(untaggedLines(await wire.command('GETQUOTA ""'))).toEqual([`* QUOTA "" (STORAGE ${used} 10240)`]);
    expect(tagged(await wire.command('GETQUOTA "other"'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    expect(tagged(await wire.command('GETQUOTAROOT nothing-here'))).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    expect(tagged(await wire.command('SETQUOTA "" (STORAGE 1)'))).toMatch(/^t\d+ NO \[NOPERM\]/);
    expect(tagged(await wire.command('SETQUOTA ""'))).toMatch(/^t\d+ BAD /);
    await t.app.store.accounts.update(aliceId, { quota_bytes: 0 });
  });

  it('another user’s mailboxes are out of reach of every command', async () => {
    await t.app.mailboxes.create(t.accounts.get(BOB)!, 'Bob Only');
    for (const command of ['STATUS "Bob Only" (MESSAGES)', 'DELETE "Bob Only"', 'RENAME "Bob Only" Mine', 'SUBSCRIBE "Bob Only"', 'GETQUOTAROOT "Bob Only"', 'SELECT "Bob Only"']) {
      expect(tagged(await wire.command(command)), command).toMatch(/^t\d+ NO \[NONEXISTENT\]/);
    }
    expect(await wire.command('LIST "" "*Bob*"')).not.toContain('Bob Only');
    expect((await t.app.mailboxes.list(t.accounts.get(BOB)!)).map((m) => m.name)).toContain('Bob Only');
  });
});
