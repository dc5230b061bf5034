// Two sessions on one mailbox, the second expunging while the first works on messages it may still name until it is told (RFC 3501 §7.4.1, RFC 9051 §7.5.1): FETCH, SEARCH, STORE, COPY and MOVE answer with the data or NO [EXPUNGEISSUED], never an internal error.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Mailboxes } from '../../src/mailbox/index.js';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

function untaggedLines(response: string): string[] {
  return response.split('\r\n').filter((line) => line.startsWith('* '));
}

function tagged(response: string): string {
  return response.split('\r\n').find((line) => /^t\d+ /.test(line)) ?? '';
}

/** A message of its own (so its body is stored once and goes with its expunge); `size` pads the body. */
function message(name: string, n: number, size = 0): Buffer {
  return Buffer.from(`From: sender${n}@example.net\r\nSubject: ${name} ${n}\r\nMessage-ID: <${name}-${n}@example.net>\r\n\r\nneedle ${name} ${n}\r\n${'x'.repeat(size)}\r\n`);
}

describe('IMAP commands racing another session\'s EXPUNGE', () => {
  let t: IMAPTestServer;
  let aliceId: number;
  const open: IMAPWire[] = [];

  beforeAll(async () => {
    t = await startIMAPTestServer();
    aliceId = t.accounts.get(ALICE)!;
  });
  afterEach(() => {
    vi.restoreAllMocks();
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

  /**
   * Mailbox `name` with messages 1..3 (the second `size2` bytes long), selected by A and by B; B
   * has flagged message 2 \Deleted, and A has seen that. B's EXPUNGE is still to come.
   */
  async function twoSessions(name: string, size2 = 0): Promise<{ a: IMAPWire; b: IMAPWire }> {
    await t.app.mailboxes.create(aliceId, name);
    for (let n = 1; n <= 3; n++) await t.app.mailboxes.append(aliceId, name, message(name, n, n === 2 ? size2 : 0));
    const [a, b] = [await session(), await session()];
    expect(tagged(await a.command(`SELECT ${name}`))).toMatch(/^t\d+ OK/);
    expect(tagged(await b.command(`SELECT ${name}`))).toMatch(/^t\d+ OK/);
    await b.command('STORE 2 +FLAGS.SILENT (\\Deleted)');
    await a.command('NOOP');
    return { a, b };
  }

  /**
   * B expunges in the middle of A's next command: right after that command's first call of `method`
   * has read what it reads, before the reads that follow it (structure, bodies).
   */
  function expungeDuring(method: 'fetchRows' | 'messages', b: IMAPWire): void {
    const mailboxes: Mailboxes = t.app.mailboxes;
    const original = mailboxes[method].bind(mailboxes);
    vi.spyOn(mailboxes, method).mockImplementationOnce(async (mailboxId: number, uids: readonly number[]) => {
      const read = await original(mailboxId, uids);
      expect(tagged(await b.command('EXPUNGE'))).toMatch(/^t\d+ OK/);
      return read as never;
    });
  }

  it('FETCH of a message whose structure and body went meanwhile: the others, then NO [EXPUNGEISSUED]; the EXPUNGE after', async () => {
    const { a, b } = await twoSessions('RaceFetch');
    expungeDuring('fetchRows', b);
    const fetched = await a.command('FETCH 1:3 (BODYSTRUCTURE BODY.PEEK[TEXT])');
    expect(untaggedLines(fetched).map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual(['* 1 FETCH', '* 3 FETCH']);
    expect(fetched).toContain('needle RaceFetch 3');
    expect(tagged(fetched)).toMatch(/^t\d+ NO \[EXPUNGEISSUED\] /);
    // FETCH may not renumber; the next command that may does.
    expect(untaggedLines(await a.command('NOOP'))).toEqual(['* 2 EXPUNGE']);
    expect(untaggedLines(await a.command('FETCH 2 BODY.PEEK[TEXT]'))[0]).toMatch(/^\* 2 FETCH \(BODY\[TEXT\] \{\d+\}/);
  });

  it('FETCH BODY[] of a message whose body went meanwhile, small or streamed: NO [EXPUNGEISSUED], never half a literal', async () => {
    for (const [name, size] of [['RaceSmall', 0], ['RaceLarge', 1_500_000]] as const) {
      const { a, b } = await twoSessions(name, size);
      expungeDuring('fetchRows', b);
      const fetched = await a.command('FETCH 2:3 BODY.PEEK[]', 15_000);
      expect(untaggedLines(fetched).filter((line) => / FETCH /.test(line)), name).toEqual([expect.stringMatching(/^\* 3 FETCH \(BODY\[\] \{\d+\}$/)]);
      expect(tagged(fetched), name).toMatch(/^t\d+ NO \[EXPUNGEISSUED\] /);
      // The connection is still in step.
      expect(tagged(await a.command('NOOP')), name).toMatch(/^t\d+ OK/);
    }
  });

  it('UID FETCH leaves the UID out and says OK, with the EXPUNGE after it (RFC 3501 §6.4.8)', async () => {
    const { a, b } = await twoSessions('RaceUid');
    expungeDuring('fetchRows', b);
    const fetched = await a.command('UID FETCH 1:3 (BODYSTRUCTURE)');
    expect(untaggedLines(fetched).filter((line) => / FETCH /.test(line)).map((line) => line.split(' ')[1])).toEqual(['1', '3']);
    expect(untaggedLines(fetched)).toContain('* 2 EXPUNGE');
    expect(tagged(fetched)).toMatch(/^t\d+ OK /);
  });

  it('SEARCH that reads a body gone meanwhile: that message matches nothing, the rest are found', async () => {
    const { a, b } = await twoSessions('RaceSearch');
    expungeDuring('messages', b);
    const found = await a.command('SEARCH BODY needle');
    expect(untaggedLines(found)).toEqual(['* SEARCH 1 3']);
    expect(tagged(found)).toMatch(/^t\d+ OK /);
  });

  it('STORE on a message expunged elsewhere changes the others and says OK', async () => {
    const { a, b } = await twoSessions('RaceStore');
    expect(tagged(await b.command('EXPUNGE'))).toMatch(/^t\d+ OK/);
    const stored = await a.command('STORE 1:3 +FLAGS (\\Flagged)');
    expect(untaggedLines(stored)).toEqual(['* 1 FETCH (FLAGS (\\Flagged \\Recent))', '* 3 FETCH (FLAGS (\\Flagged \\Recent))']);
    expect(tagged(stored)).toMatch(/^t\d+ OK /);
    expect(untaggedLines(await a.command('NOOP'))).toEqual(['* 2 EXPUNGE']);
  });

  it('COPY and MOVE by number copy the whole set or nothing (NO [EXPUNGEISSUED]); by UID, the UIDs that are left', async () => {
    const { a, b } = await twoSessions('RaceCopy');
    await t.app.mailboxes.create(aliceId, 'RaceCopyTo');
    const target = async (): Promise<number> => (await t.app.mailboxes.listFlags((await t.app.mailboxes.get(aliceId, 'RaceCopyTo')).id)).length;
    /** B appends a message, lets A see it, then deletes and expunges it before A hears of that; returns its UID. */
    const expungedBehindA = async (n: number): Promise<number> => {
      const { uid } = await t.app.mailboxes.append(aliceId, 'RaceCopy', message('RaceCopy', n));
      await a.command('NOOP');
      await b.command('NOOP');
      await b.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
      expect(tagged(await b.command('EXPUNGE'))).toMatch(/^t\d+ OK/);
      return uid;
    };

    expect(tagged(await b.command('EXPUNGE'))).toMatch(/^t\d+ OK/);
    // A has not been told: message 2 is still there for it. The EXPUNGE follows the answer.
    const copied = await a.command('COPY 1:3 RaceCopyTo');
    expect(tagged(copied)).toMatch(/^t\d+ NO \[EXPUNGEISSUED\] /);
    expect(untaggedLines(copied)).toEqual(['* 2 EXPUNGE']);
    expect(await target()).toBe(0);

    // A: 1 = UID 1, 2 = UID 3, 3 = UID 4 (gone).
    expect(await expungedBehindA(4)).toBe(4);
    expect(tagged(await a.command('UID COPY 1:4 RaceCopyTo'))).toMatch(/^t\d+ OK \[COPYUID \d+ 1,3 1:2\] /);
    expect(await target()).toBe(2);

    // A: 1 = UID 1, 2 = UID 3, 3 = UID 5 (gone).
    expect(await expungedBehindA(5)).toBe(5);
    const moved = await a.command('MOVE 1:3 RaceCopyTo');
    expect(tagged(moved)).toMatch(/^t\d+ NO \[EXPUNGEISSUED\] /);
    expect(untaggedLines(moved)).toEqual(['* 3 EXPUNGE']);
    expect(await target()).toBe(2);

    // Known to A as expunged (a FETCH's sync saw it, and FETCH may not say so): still the whole set or nothing.
    expect(await expungedBehindA(6)).toBe(6);
    expect(tagged(await a.command('FETCH 1 FLAGS'))).toMatch(/^t\d+ OK/);
    expect(tagged(await a.command('COPY 3 RaceCopyTo'))).toMatch(/^t\d+ NO \[EXPUNGEISSUED\] /);
    expect(tagged(await a.command('MOVE 1:2 RaceCopyTo'))).toMatch(/^t\d+ OK/);
    expect(await target()).toBe(4);
  });
});
