// IMAP LIST and LSUB transcripts on a real socket: RFC 3501, RFC 5258, RFC 6154 and RFC 5819 examples, UTF-7 and UTF-8 names, other users' mailboxes, hostile patterns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

describe('IMAP LIST', () => {
  let t: IMAPTestServer;
  let wire: IMAPWire;
  beforeAll(async () => {
    t = await startIMAPTestServer();
    const accountId = t.accounts.get(ALICE)!;
    // A tree with a level that is no mailbox: Work/Old/2023 without Work/Old.
    // All subscribed but Fruit and Fruit/Banana (and Work/Old, which CREATE makes as a parent).
    for (const name of ['Work', 'Work/Meetings', 'Work/Old/2023', 'Fruit', 'Fruit/Apple', 'Fruit/Banana']) {
      await t.app.mailboxes.create(accountId, name, { subscribe: !name.startsWith('Fruit') || name === 'Fruit/Apple' });
    }
    // CREATE makes missing parents; deleting one leaves its inferiors (RFC 3501 §6.3.4).
    await t.app.mailboxes.delete(accountId, 'Work/Old');
    await t.app.mailboxes.create(t.accounts.get(BOB)!, 'Bob Secret');
    wire = await IMAPWire.connect(t.imapPort);
    await wire.login(ALICE, passwordOf(ALICE));
  });
  afterAll(async () => {
    wire.close();
    await t.close();
  });

  it('answers LIST "" "" with the delimiter and an empty root (RFC 3501 §6.3.8)', async () => {
    expect(await wire.command('LIST "" ""')).toMatch(/^\* LIST \(\\Noselect\) "\/" ""\r\nt\d+ OK /);
    expect(untaggedLines(await wire.command('LIST Work/Meetings ""'))).toEqual(['* LIST (\\Noselect) "/" ""']);
  });

  it('lists everything with *, INBOX first, special use and children marked, no other user’s mailbox', async () => {
    const lines = untaggedLines(await wire.command('LIST "" "*"'));
    expect(lines).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasChildren) "/" Fruit',
      '* LIST (\\HasNoChildren) "/" Fruit/Apple',
      '* LIST (\\HasNoChildren) "/" Fruit/Banana',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
      '* LIST (\\HasChildren) "/" Work',
      '* LIST (\\HasNoChildren) "/" Work/Meetings',
      // `*` lists mailboxes only: Work/Old is no mailbox.
      '* LIST (\\HasNoChildren) "/" Work/Old/2023',
    ]);
    expect(lines.join('\n')).not.toContain('Bob');
  });

  it('% stops at the delimiter and lists levels that are no mailbox as \\Noselect (RFC 3501 §6.3.8)', async () => {
    expect(untaggedLines(await wire.command('LIST Work/ %'))).toEqual([
      '* LIST (\\HasNoChildren) "/" Work/Meetings',
      '* LIST (\\Noselect \\HasChildren) "/" Work/Old',
    ]);
    expect(untaggedLines(await wire.command('LIST "" Work/%/%'))).toEqual(['* LIST (\\HasNoChildren) "/" Work/Old/2023']);
    expect(untaggedLines(await wire.command('LIST "" %'))).toHaveLength(8);
  });

  it('matches INBOX in any case and nothing else case-insensitively', async () => {
    expect(untaggedLines(await wire.command('LIST "" inbox'))).toEqual(['* LIST (\\HasNoChildren) "/" INBOX']);
    expect(untaggedLines(await wire.command('LIST "" work'))).toEqual([]);
    expect(untaggedLines(await wire.command('LIST "" F*t'))).toEqual(['* LIST (\\HasChildren) "/" Fruit']);
  });

  it('LIST-EXTENDED: SUBSCRIBED selection, RECURSIVEMATCH with CHILDINFO, multiple patterns, \\NonExistent (RFC 5258)', async () => {
    const subscribed = untaggedLines(await wire.command('LIST (SUBSCRIBED) "" "Fruit*"'));
    expect(subscribed).toEqual(['* LIST (\\HasNoChildren \\Subscribed) "/" Fruit/Apple']);
    // RFC 5258 §5 example 6: a parent that is not subscribed but has a subscribed child the pattern does not reach.
    expect(untaggedLines(await wire.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" %'))).toContain('* LIST (\\HasChildren) "/" Fruit ("CHILDINFO" ("SUBSCRIBED"))');
    expect(await wire.command('LIST (RECURSIVEMATCH) "" %')).toMatch(/^t\d+ BAD /);
    expect(await wire.command('LIST (FOO) "" %')).toMatch(/^t\d+ BAD /);
    expect(untaggedLines(await wire.command('LIST "" (INBOX Drafts "Work/%") RETURN (CHILDREN)'))).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren) "/" Work/Meetings',
      '* LIST (\\NonExistent \\HasChildren) "/" Work/Old',
    ]);
    expect(untaggedLines(await wire.command('LIST "" "Fruit/*" RETURN (SUBSCRIBED)'))).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" Fruit/Apple',
      '* LIST (\\HasNoChildren) "/" Fruit/Banana',
    ]);
    // REMOTE is accepted and changes nothing: there are no remote mailboxes.
    expect(untaggedLines(await wire.command('LIST (REMOTE) "" INBOX'))).toEqual(['* LIST (\\HasNoChildren) "/" INBOX']);
  });

  it('SPECIAL-USE selection and return option (RFC 6154 §5 examples)', async () => {
    expect(untaggedLines(await wire.command('LIST (SPECIAL-USE) "" "*"'))).toEqual([
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
    ]);
    expect(untaggedLines(await wire.command('LIST "" "%" RETURN (SPECIAL-USE)'))).toContain('* LIST (\\HasNoChildren \\Sent) "/" Sent');
  });

  it('LIST-STATUS returns STATUS after each selectable mailbox (RFC 5819)', async () => {
    await t.app.mailboxes.append(t.accounts.get(ALICE)!, 'Work/Meetings', Buffer.from('Subject: a\r\n\r\nhello\r\n'));
    expect(untaggedLines(await wire.command('LIST "" "Work/*" RETURN (STATUS (MESSAGES UNSEEN))'))).toEqual([
      '* LIST (\\HasNoChildren) "/" Work/Meetings',
      '* STATUS Work/Meetings (MESSAGES 1 UNSEEN 1)',
      '* LIST (\\HasNoChildren) "/" Work/Old/2023',
      '* STATUS Work/Old/2023 (MESSAGES 0 UNSEEN 0)',
    ]);
    expect(await wire.command('LIST "" "*" RETURN (STATUS (BOGUS))')).toMatch(/^t\d+ BAD /);
  });

  it('LSUB lists subscribed mailboxes, a parent that is not subscribed as \\Noselect for %', async () => {
    expect(untaggedLines(await wire.command('LSUB "" "Fruit*"'))).toEqual(['* LSUB () "/" Fruit/Apple']);
    expect(untaggedLines(await wire.command('LSUB "" "%"'))).toContain('* LSUB (\\Noselect) "/" Fruit');
    expect(untaggedLines(await wire.command('LSUB "" "%"'))).toContain('* LSUB () "/" INBOX');
  });

  it('non-ASCII names travel as modified UTF-7, and as UTF-8 once UTF8=ACCEPT is enabled', async () => {
    const other = await IMAPWire.connect(t.imapPort);
    await other.login(ALICE, passwordOf(ALICE));
    expect(await other.command('CREATE "Entw&APw-rfe/&ZeVnLIqe-"')).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await other.command('LIST "" "Entw&APw-rfe*"'))).toEqual([
      '* LIST (\\HasChildren) "/" Entw&APw-rfe',
      '* LIST (\\HasNoChildren) "/" Entw&APw-rfe/&ZeVnLIqe-',
    ]);
    // A pattern with a raw 8-bit name before UTF8=ACCEPT is not modified UTF-7.
    expect(await other.command('LIST "" "Entwürfe"')).toMatch(/^t\d+ BAD /);
    expect(await other.command('ENABLE UTF8=ACCEPT')).toMatch(/ENABLED UTF8=ACCEPT/);
    expect(untaggedLines(await other.command('LIST "" "Entwürfe/*"'))).toEqual(['* LIST (\\HasNoChildren) "/" "Entwürfe/日本語"']);
    expect(untaggedLines(await other.command('STATUS "Entwürfe/日本語" (MESSAGES)'))).toEqual(['* STATUS "Entwürfe/日本語" (MESSAGES 0)']);
    other.close();
  });

  it('IMAP4rev2: levels that are no mailbox are \\NonExistent, names are UTF-8', async () => {
    const rev2 = await IMAPWire.connect(t.imapPort);
    await rev2.login(ALICE, passwordOf(ALICE));
    expect(await rev2.command('ENABLE IMAP4rev2')).toMatch(/ENABLED IMAP4REV2/i);
    expect(untaggedLines(await rev2.command('LIST Work/ %'))).toEqual([
      '* LIST (\\HasNoChildren) "/" Work/Meetings',
      '* LIST (\\NonExistent \\HasChildren) "/" Work/Old',
    ]);
    expect(await rev2.command('CREATE "Büro"')).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await rev2.command('LIST "" "B*"'))).toEqual(['* LIST (\\HasNoChildren) "/" "Büro"']);
    expect(untaggedLines(await rev2.command('LIST "" ""'))).toEqual(['* LIST (\\Noselect) "/" ""']);
    rev2.close();
  });

  it('hostile patterns are answered, never hang or crash the connection', async () => {
    const started = Date.now();
    expect(await wire.command(`LIST "" "${'*%'.repeat(2000)}q"`)).toMatch(/^t\d+ OK /);
    expect(await wire.command(`LIST "" "${'a'.repeat(10_000)}"`)).toMatch(/^t\d+ OK /);
    expect(Date.now() - started).toBeLessThan(2000);
    // Not modified UTF-7: names no mailbox, so an empty answer.
    expect(await wire.command('LIST "" "&Jjo"')).toMatch(/^t\d+ OK /);
    expect(await wire.command('LIST ""')).toMatch(/^t\d+ BAD /);
    expect(untaggedLines(await wire.command('LIST "" "../*"'))).toEqual([]);
    expect(await wire.command('NOOP')).toMatch(/^t\d+ OK /);
  });

  it('is refused before login', async () => {
    const anon = await IMAPWire.connect(t.imapPort);
    await anon.greeting();
    expect(await anon.command('LIST "" "*"')).toMatch(/^t1 BAD /);
    anon.close();
  });
});
