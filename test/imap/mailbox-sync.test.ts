// IMAP transcripts with two or three sessions on one account: IDLE, EXPUNGE timing and renumbering, flag updates, \Recent, UID stability, QRESYNC, CONDSTORE and EXAMINE.
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp } from '../../src/app/open-app.js';
import { createLogger } from '../../src/app/logger.js';
import { startServer } from '../../src/app/start-server.js';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer, tagged, untaggedLines } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

function message(n: number): Buffer {
  return Buffer.from(`From: sender${n}@example.net\r\nTo: alice@example.test\r\nSubject: message ${n}\r\nMessage-ID: <sync-${n}@example.net>\r\n\r\nBody of message ${n}.\r\n`);
}

describe('IMAP mailbox synchronisation between sessions', () => {
  let t: IMAPTestServer;
  let aliceId: number;
  const open: IMAPWire[] = [];

  beforeAll(async () => {
    t = await startIMAPTestServer();
    aliceId = t.accounts.get(ALICE)!;
  });
  afterEach(() => {
    for (const wire of open.splice(0)) wire.close();
  });
  afterAll(async () => {
    await t.close();
    removeTempDataDirs();
  });

  async function session(): Promise<IMAPWire> {
    const wire = await IMAPWire.connect(t.imapPort);
    open.push(wire);
    expect(tagged(await wire.login(ALICE, passwordOf(ALICE)))).toMatch(/^t\d+ OK/);
    return wire;
  }

  /** A new mailbox holding messages 1..count (UIDs 1..count). */
  async function mailboxWith(name: string, count: number): Promise<void> {
    await t.app.mailboxes.create(aliceId, name);
    for (let n = 1; n <= count; n++) await t.app.mailboxes.append(aliceId, name, message(n));
  }

  /** Sessions a and b on a new mailbox of `count` messages, selected by a first (so a holds \Recent). */
  async function twoSessionsOn(name: string, count: number): Promise<[IMAPWire, IMAPWire]> {
    await mailboxWith(name, count);
    const a = await session();
    const b = await session();
    await a.command(`SELECT ${name}`);
    await b.command(`SELECT ${name}`);
    return [a, b];
  }

  it('a message delivered by SMTP reaches a session in IDLE as EXISTS within a second', async () => {
    const a = await session();
    const selected = await a.command('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(selected)![1]);
    a.write('t100 IDLE\r\n');
    await a.until(/^\+ [^\r\n]*\r\n/);
    const seen = a.until(new RegExp(`\\* ${exists + 1} EXISTS\\r\\n`), 5000).then((text) => ({ text, at: performance.now() }));
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: t.smtpPort, ignoreTLS: true });
    await smtp.sendMail({ envelope: { from: 'carol@example.net', to: [ALICE] }, raw: 'From: carol@example.net\r\nTo: alice@example.test\r\nSubject: idle\r\n\r\nwake up\r\n' });
    // Measured from the SMTP 250: the message is committed from then on.
    const accepted = performance.now();
    smtp.close();
    const { text, at } = await seen;
    expect(at - accepted).toBeLessThan(1000);
    expect(text).toMatch(new RegExp(`\\* ${exists + 1} EXISTS\\r\\n\\* 1 RECENT\\r\\n`));
    a.write('DONE\r\n');
    expect(await a.until(/t100 [^\r\n]*\r\n/)).toMatch(/t100 OK IDLE terminated\r\n$/);
  });

  it('reports flag changes and expunges by another session to a session in IDLE as they happen', async () => {
    const [a, b] = await twoSessionsOn('Idle', 3);
    a.write('t100 IDLE\r\n');
    await a.until(/^\+ [^\r\n]*\r\n/);
    await b.command('STORE 3 +FLAGS.SILENT (\\Flagged)');
    expect(await a.until(/\* 3 FETCH [^\r\n]*\r\n/, 1000)).toBe('* 3 FETCH (FLAGS (\\Flagged \\Recent) UID 3)\r\n');
    await b.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.command('EXPUNGE');
    // The \Deleted may be reported before the EXPUNGE, depending on whether A woke up in between.
    expect(await a.until(/\* 1 EXPUNGE\r\n/, 1000)).toMatch(/^(\* 1 FETCH \(FLAGS \(\\Deleted \\Recent\) UID 1\)\r\n)?\* 1 EXPUNGE\r\n$/);
    a.write('DONE\r\n');
    expect(await a.until(/t100 [^\r\n]*\r\n/)).toBe('t100 OK IDLE terminated\r\n');
    expect(untaggedLines(await a.command('FETCH 1:* (UID)'))).toEqual(['* 1 FETCH (UID 2)', '* 2 FETCH (UID 3)']);
  });

  it('holds back EXPUNGE during FETCH, STORE and SEARCH; sends it renumbered at NOOP; NO [EXPUNGEISSUED] for the gone ones', async () => {
    const [a, b] = await twoSessionsOn('Expunge', 5);
    await b.command('STORE 2,4 +FLAGS.SILENT (\\Deleted)');
    const removed = await b.command('EXPUNGE');
    expect(untaggedLines(removed)).toEqual(['* 2 EXPUNGE', '* 3 EXPUNGE']);

    // RFC 3501 §7.4.1: no EXPUNGE during FETCH, STORE, SEARCH; the numbers stay as A knows them.
    const fetched = await a.command('FETCH 1:5 (UID)');
    expect(fetched).not.toMatch(/\* \d+ EXPUNGE/);
    expect(untaggedLines(fetched)).toEqual(['* 1 FETCH (UID 1)', '* 3 FETCH (UID 3)', '* 5 FETCH (UID 5)']);
    expect(tagged(fetched)).toMatch(/^t\d+ NO \[EXPUNGEISSUED\]/);
    const stored = await a.command('STORE 3 +FLAGS (\\Seen)');
    expect(untaggedLines(stored)).toEqual(['* 3 FETCH (FLAGS (\\Seen \\Recent))']);
    expect(tagged(stored)).toMatch(/^t\d+ OK/);
    const searched = await a.command('SEARCH ALL');
    expect(searched).not.toMatch(/\* \d+ EXPUNGE/);
    expect(tagged(searched)).toMatch(/^t\d+ OK/);
    const seenSearch = await a.command('SEARCH SEEN');
    expect(untaggedLines(seenSearch)).toEqual(['* SEARCH 3']);

    // NOOP may expunge: each number counted after the ones before it.
    expect(untaggedLines(await a.command('NOOP'))).toEqual(['* 2 EXPUNGE', '* 3 EXPUNGE']);
    expect(untaggedLines(await a.command('FETCH 1:* (UID)'))).toEqual(['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', '* 3 FETCH (UID 5)']);
    expect(untaggedLines(await a.command('NOOP'))).toEqual([]);
  });

  it('may send EXPUNGE after UID FETCH, UID STORE and UID SEARCH, numbered as the client knew them', async () => {
    const [a, b] = await twoSessionsOn('UidExpunge', 4);
    const expungeOn = async (uid: number): Promise<void> => {
      await b.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
      await b.command(`UID EXPUNGE ${uid}`);
    };

    await expungeOn(2);
    const fetched = await a.command('UID FETCH 1:* (FLAGS)');
    // The data uses the numbers before the expunge; the EXPUNGE follows it. The gone UID is ignored, not an error (RFC 3501 §6.4.8).
    expect(untaggedLines(fetched)).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Recent))', '* 3 FETCH (UID 3 FLAGS (\\Recent))', '* 4 FETCH (UID 4 FLAGS (\\Recent))', '* 2 EXPUNGE']);
    expect(tagged(fetched)).toMatch(/^t\d+ OK/);

    await expungeOn(1);
    const stored = await a.command('UID STORE 4 +FLAGS (\\Flagged)');
    expect(untaggedLines(stored)).toEqual(['* 3 FETCH (FLAGS (\\Flagged \\Recent) UID 4)', '* 1 EXPUNGE']);

    await expungeOn(3);
    const searched = await a.command('UID SEARCH ALL');
    expect(untaggedLines(searched)[0]).toMatch(/^\* SEARCH( 3)? 4$/);
    expect(untaggedLines(searched)[1]).toBe('* 1 EXPUNGE');
    expect(untaggedLines(await a.command('FETCH 1 (UID FLAGS)'))).toEqual(['* 1 FETCH (UID 4 FLAGS (\\Flagged \\Recent))']);
  });

  it("reports another session's flag changes as untagged FETCH, with MODSEQ once CONDSTORE is on", async () => {
    const [a, b] = await twoSessionsOn('Flags', 3);
    await b.command('STORE 2 +FLAGS.SILENT (\\Flagged)');
    // A selected first, so A holds \Recent.
    expect(untaggedLines(await a.command('NOOP'))).toEqual(['* 2 FETCH (FLAGS (\\Flagged \\Recent) UID 2)']);
    // Our own change is reported by our command, never again by the next one.
    expect(untaggedLines(await a.command('STORE 1 +FLAGS (\\Answered)'))).toEqual(['* 1 FETCH (FLAGS (\\Answered \\Recent))']);
    expect(untaggedLines(await a.command('NOOP'))).toEqual([]);

    expect(tagged(await a.command('ENABLE CONDSTORE'))).toMatch(/^t\d+ OK/);
    const before = await a.command('FETCH 3 (MODSEQ)');
    const modseq = Number(/MODSEQ \((\d+)\)/.exec(before)![1]);
    await b.command('STORE 3 +FLAGS.SILENT (\\Seen $Done)');
    const update = untaggedLines(await a.command('NOOP'));
    // $Done is new to A: FLAGS and PERMANENTFLAGS name it before the FETCH shows it (RFC 3501 §7.2.6).
    expect(update).toHaveLength(3);
    expect(update[0]).toBe('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done)');
    expect(update[1]).toBe('* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done \\*)] Flags permitted');
    const match = /^\* 3 FETCH \(FLAGS \(([^)]*)\) UID 3 MODSEQ \((\d+)\)\)$/.exec(update[2]!);
    expect(match, update[2]).not.toBeNull();
    expect(match![1]!.split(' ').sort()).toEqual(['$Done', '\\Recent', '\\Seen']);
    expect(Number(match![2])).toBeGreaterThan(modseq);
    // A FETCH that reads a keyword before the session has synced says FLAGS first, too.
    await b.command('STORE 1 +FLAGS.SILENT ($Later)');
    const fetched = untaggedLines(await a.command('FETCH 1 FLAGS'));
    expect(fetched[0]).toBe('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Done $Later)');
    expect(fetched.findIndex((line) => line.startsWith('* 1 FETCH (FLAGS (\\Answered \\Recent $Later)'))).toBeGreaterThan(1);
  });

  it('a message that arrives while a session selects is \\Recent in exactly one session', async () => {
    await mailboxWith('RecentRace', 1);
    const [a, b] = [await session(), await session()];
    // Delivered after A has taken the \Recent messages, before it reads the message list.
    const mailboxes = t.app.mailboxes;
    const summary = mailboxes.selectSummary.bind(mailboxes);
    const spy = vi.spyOn(mailboxes, 'selectSummary').mockImplementationOnce(async (mailboxId: number) => {
      await mailboxes.append(aliceId, 'RecentRace', message(2));
      return summary(mailboxId);
    });
    expect(await a.command('SELECT RecentRace')).toMatch(/\* 2 EXISTS\r\n\* 1 RECENT\r\n/);
    spy.mockRestore();
    expect(await b.command('SELECT RecentRace')).toMatch(/\* 2 EXISTS\r\n\* 1 RECENT\r\n/);
    expect(untaggedLines(await a.command('FETCH 1:2 FLAGS'))).toEqual(['* 1 FETCH (FLAGS (\\Recent))', '* 2 FETCH (FLAGS ())']);
    expect(untaggedLines(await b.command('FETCH 1:2 FLAGS'))).toEqual(['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS (\\Recent))']);
  });

  it('gives \\Recent to exactly one session, at SELECT and for new arrivals', async () => {
    await mailboxWith('Recent', 2);
    const [a, b, c] = [await session(), await session(), await session()];
    // EXAMINE sees \Recent and never takes it from anyone (RFC 3501 §2.3.2: later sessions see it too).
    expect(await c.command('EXAMINE Recent')).toMatch(/\* 2 RECENT\r\n/);
    expect(await c.command('FETCH 1 FLAGS')).toContain('* 1 FETCH (FLAGS (\\Recent))');
    const selects = [await a.command('SELECT Recent'), await b.command('SELECT Recent')];
    expect(selects[0]).toMatch(/\* 2 RECENT\r\n/);
    expect(selects[1]).toMatch(/\* 0 RECENT\r\n/);
    expect(await c.command('EXAMINE Recent')).toMatch(/\* 0 RECENT\r\n/);

    await t.app.mailboxes.append(aliceId, 'Recent', message(3));
    const noops = await Promise.all([a.command('NOOP'), b.command('NOOP'), c.command('NOOP')]);
    for (const noop of noops) expect(noop).toMatch(/\* 3 EXISTS\r\n/);
    const recentCounts = noops.map((noop) => Number(/\* (\d+) RECENT/.exec(noop)![1]));
    const holders = await Promise.all([a, b, c].map(async (w) => /\\Recent/.test(await w.command('FETCH 3 (FLAGS)'))));
    // One of the read-write sessions takes it; the read-only one sees it only if it looked before that.
    expect(holders.slice(0, 2).filter(Boolean)).toHaveLength(1);
    const holder = holders.indexOf(true);
    // The holder counts the new one (and A its first two); the other counts nothing new.
    expect(recentCounts[holder]).toBe(holder === 0 ? 3 : 1);
    for (let i = 0; i < 2; i++) if (i !== holder) expect(recentCounts[i]).toBe(i === 0 ? 2 : 0);
    expect(recentCounts[2]).toBe(holders[2] ? 1 : 0);
  });

  it('QRESYNC: SELECT reports VANISHED (EARLIER) and changed flags; UID FETCH (CHANGEDSINCE VANISHED) reports the vanished UIDs', async () => {
    await mailboxWith('Resync', 4);
    const a = await session();
    const b = await session();
    expect(tagged(await a.command('ENABLE QRESYNC'))).toMatch(/^t\d+ OK/);
    const first = await a.command('SELECT Resync');
    const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(first)![1]);
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(first)![1]);
    await a.command('UNSELECT');

    await b.command('SELECT Resync');
    await b.command('STORE 1 +FLAGS.SILENT (\\Flagged)');
    await b.command('STORE 3 +FLAGS.SILENT (\\Deleted)');
    await b.command('EXPUNGE');

    const resync = await a.command(`SELECT Resync (QRESYNC (${uidValidity} ${modseq}))`);
    const lines = untaggedLines(resync);
    expect(lines).toContain('* VANISHED (EARLIER) 3');
    expect(lines.filter((l) => / FETCH /.test(l))).toEqual([expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/)]);
    expect(resync).toMatch(/\* 3 EXISTS\r\n/);

    // With known UIDs that leave 3 out, nothing is reported vanished.
    const narrow = await a.command(`SELECT Resync (QRESYNC (${uidValidity} ${modseq} 1:2))`);
    expect(narrow).not.toMatch(/VANISHED/);

    const changed = await a.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    expect(untaggedLines(changed)).toEqual(['* VANISHED (EARLIER) 3', expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/)]);
    expect(tagged(await a.command(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`))).toMatch(/^t\d+ BAD/);

    // Under QRESYNC another session's expunge comes as VANISHED, not EXPUNGE.
    await b.command('UID STORE 4 +FLAGS.SILENT (\\Deleted)');
    await b.command('UID EXPUNGE 4');
    expect(untaggedLines(await a.command('NOOP'))).toEqual(['* VANISHED 4']);
  });

  it('an IMAP4rev2 session never sees \\Recent: not in updates, not in a QRESYNC SELECT', async () => {
    await mailboxWith('Rev2', 2);
    const a = await session();
    const b = await session();
    expect(tagged(await a.command('ENABLE IMAP4rev2 QRESYNC'))).toMatch(/^t\d+ OK/);
    // The first SELECT takes \Recent for both messages, though a rev2 client is never told.
    const first = await a.command('SELECT Rev2');
    expect(first).not.toMatch(/RECENT/);
    const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(first)![1]);
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(first)![1]);
    await b.command('SELECT Rev2');
    await b.command('STORE 1 +FLAGS.SILENT (\\Flagged)');
    expect(untaggedLines(await a.command('NOOP'))).toEqual([expect.stringMatching(/^\* 1 FETCH \(FLAGS \(\\Flagged\) UID 1 MODSEQ \(\d+\)\)$/)]);

    await a.command('UNSELECT');
    await t.app.mailboxes.append(aliceId, 'Rev2', message(3));
    const resync = await a.command(`SELECT Rev2 (QRESYNC (${uidValidity} ${modseq}))`);
    expect(untaggedLines(resync).filter((l) => / FETCH /.test(l))).toEqual([
      expect.stringMatching(/^\* 1 FETCH \(UID 1 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/),
      expect.stringMatching(/^\* 3 FETCH \(UID 3 FLAGS \(\) MODSEQ \(\d+\)\)$/),
    ]);
    expect(resync).not.toMatch(/\\Recent/);
  });

  it('STORE (UNCHANGEDSINCE) answers [MODIFIED] with the messages changed since', async () => {
    await mailboxWith('Conditional', 3);
    const a = await session();
    const b = await session();
    const selected = await a.command('SELECT Conditional (CONDSTORE)');
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(selected)![1]);
    await b.command('SELECT Conditional');
    await b.command('STORE 2 +FLAGS.SILENT (\\Answered)');

    const store = await a.command(`STORE 1:3 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Flagged)`);
    expect(tagged(store)).toMatch(/^t\d+ OK \[MODIFIED 2\]/);
    const lines = untaggedLines(store);
    expect(lines.filter((l) => /^\* [13] FETCH/.test(l))).toEqual([
      expect.stringMatching(/^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)$/),
      expect.stringMatching(/^\* 3 FETCH \(FLAGS \(\\Flagged \\Recent\) MODSEQ \(\d+\)\)$/),
    ]);
    // Message 2 is untouched by the conditional store.
    expect(untaggedLines(await a.command('FETCH 2 (FLAGS)'))).toEqual([expect.stringMatching(/^\* 2 FETCH \(FLAGS \(\\Answered \\Recent\)( MODSEQ \(\d+\))?\)$/)]);

    // The UID form names UIDs in MODIFIED.
    await a.command('UID STORE 3 -FLAGS.SILENT (\\Flagged)');
    const uidStore = await a.command('UID STORE 1,3 (UNCHANGEDSINCE 1) +FLAGS (\\Seen)');
    expect(tagged(uidStore)).toMatch(/^t\d+ OK \[MODIFIED 1,3\]/);
  });

  it('EXAMINE is read-only: STORE, EXPUNGE and MOVE fail with NO; FETCH BODY[] does not set \\Seen', async () => {
    await mailboxWith('ReadOnly', 2);
    const a = await session();
    expect(tagged(await a.command('EXAMINE ReadOnly'))).toMatch(/^t\d+ OK \[READ-ONLY\]/);
    expect(tagged(await a.command('STORE 1 +FLAGS (\\Deleted)'))).toMatch(/^t\d+ NO \[READ-ONLY\]/);
    expect(tagged(await a.command('EXPUNGE'))).toMatch(/^t\d+ NO \[READ-ONLY\]/);
    expect(tagged(await a.command('UID EXPUNGE 1'))).toMatch(/^t\d+ NO \[READ-ONLY\]/);
    expect(tagged(await a.command('MOVE 1 Archive'))).toMatch(/^t\d+ NO \[READ-ONLY\]/);
    expect(tagged(await a.command('UID MOVE 1 Archive'))).toMatch(/^t\d+ NO \[READ-ONLY\]/);
    const body = await a.command('FETCH 1 (BODY[])');
    expect(body).toContain(message(1).toString('latin1'));
    expect(body).not.toMatch(/\\Seen/);
    // No session has seen them: \Recent, which EXAMINE shows and leaves for the next session (RFC 3501 §2.3.2).
    expect(untaggedLines(await a.command('FETCH 1:2 (FLAGS)'))).toEqual(['* 1 FETCH (FLAGS (\\Recent))', '* 2 FETCH (FLAGS (\\Recent))']);
    const mailbox = await t.app.mailboxes.get(aliceId, 'ReadOnly');
    expect((await t.app.mailboxes.listFlags(mailbox.id)).map((f) => [f.uid, f.seen, f.deleted])).toEqual([
      [1, 0, 0],
      [2, 0, 0],
    ]);
    // COPY only reads the source: allowed.
    expect(tagged(await a.command('COPY 1 Archive'))).toMatch(/^t\d+ OK \[COPYUID/);
  });
});

describe('UIDs are never reused', () => {
  it('after EXPUNGE of the highest UID, and after the server restarts on the same data', async () => {
    let t = await startIMAPTestServer();
    try {
      const aliceId = t.accounts.get(ALICE)!;
      const login = async (): Promise<IMAPWire> => {
        const wire = await IMAPWire.connect(t.imapPort);
        await wire.login(ALICE, passwordOf(ALICE));
        return wire;
      };
      const append = async (wire: IMAPWire, n: number): Promise<number> => {
        const raw = message(n);
        wire.write(`a${n} APPEND Kept {${raw.length}+}\r\n`);
        wire.write(raw);
        wire.write('\r\n');
        const text = await wire.until(new RegExp(`a${n} [^\\r\\n]*\\r\\n`));
        const uid = new RegExp(`a${n} OK \\[APPENDUID \\d+ (\\d+)\\]`).exec(text);
        if (!uid) throw new Error(`APPEND failed: ${text}`);
        return Number(uid[1]);
      };
      await t.app.mailboxes.create(aliceId, 'Kept');
      const wire = await login();
      expect([await append(wire, 1), await append(wire, 2), await append(wire, 3)]).toEqual([1, 2, 3]);
      await wire.command('SELECT Kept');
      await wire.command('UID STORE 3 +FLAGS.SILENT (\\Deleted)');
      expect(untaggedLines(await wire.command('EXPUNGE'))).toEqual(['* 3 EXPUNGE']);
      expect(await append(wire, 4)).toBe(4);
      await wire.command('UID STORE 4 +FLAGS.SILENT (\\Deleted)');
      await wire.command('UID EXPUNGE 4');
      wire.close();

      // Restart: a new process would open the same data directory with the same settings.
      const { dataDir, config } = t.app;
      await t.close();
      const app = await openApp({ dataDir, config, logger: createLogger({ level: 'silent' }), env: {} });
      const server = await startServer(app);
      t = {
        ...t,
        app,
        server,
        imapPort: server.listeners.imap!.port,
        close: async () => {
          await server.close();
          await app.close();
        },
      };
      expect((await app.mailboxes.get(aliceId, 'Kept')).uid_next).toBe(5);
      const again = await login();
      const selected = await again.command('SELECT Kept');
      expect(selected).toMatch(/\* 2 EXISTS\r\n/);
      expect(selected).toMatch(/\[UIDNEXT 5\]/);
      expect(await append(again, 5)).toBe(5);
      expect(untaggedLines(await again.command('UID FETCH 1:* (UID)'))).toEqual(['* 1 FETCH (UID 1)', '* 2 FETCH (UID 2)', '* 3 FETCH (UID 5)']);
      again.close();
    } finally {
      await t.close();
    }
  });
});
