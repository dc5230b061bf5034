// imapflow (a client written by others) against Mailward's message commands: fetch, download, flags, search, copy, move, delete, with CONDSTORE and QRESYNC as imapflow uses them.
import type { Readable } from 'node:stream';
import type { ExpungeEvent, FetchMessageObject, FlagsEvent } from 'imapflow';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

const NOTE = Buffer.from(
  'From: Carol Lake <carol@example.net>\r\nTo: Alice <alice@example.test>\r\nCc: bob@example.test\r\nSubject: Lake report\r\nDate: Fri, 01 Mar 2024 10:00:00 +0000\r\nMessage-ID: <lake-1@example.net>\r\nX-Project: heron\r\n\r\nThe water is cold today.\r\n',
);
const ATTACHMENT = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const PART_ONE = Buffer.from('Grüße aus Köln, mit Anhang.\r\n', 'utf8');
const WITH_FILE = Buffer.concat([
  Buffer.from(
    'From: Dave <dave@example.org>\r\nTo: alice@example.test\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Sun, 10 Mar 2024 09:30:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="sep"\r\n\r\n--sep\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
  ),
  PART_ONE,
  Buffer.from(
    `\r\n--sep\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${ATTACHMENT.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--sep--\r\n`,
  ),
]);
const THIRD = Buffer.from('From: Erin <erin@example.com>\r\nTo: alice@example.test\r\nSubject: Third\r\nDate: Wed, 20 Mar 2024 12:00:00 +0000\r\n\r\nA short one about herons.\r\n');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function connect(t: IMAPTestServer, options: { qresync?: boolean } = {}): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: t.imapsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ALICE, pass: passwordOf(ALICE) }, logger: false, ...options });
}

describe('imapflow against Mailward messages', () => {
  let t: IMAPTestServer;
  let client: ImapFlow;
  let aliceId: number;
  beforeAll(async () => {
    t = await startIMAPTestServer();
    aliceId = t.accounts.get(ALICE)!;
    await t.app.mailboxes.create(aliceId, 'Work');
    await t.app.mailboxes.append(aliceId, 'Work', NOTE, { internalDate: Date.parse('2024-03-01T10:00:00Z') });
    await t.app.mailboxes.append(aliceId, 'Work', WITH_FILE, { internalDate: Date.parse('2024-03-10T08:30:00Z'), flags: { seen: true } });
    await t.app.mailboxes.append(aliceId, 'Work', THIRD, { internalDate: Date.parse('2024-03-20T12:00:00Z'), flags: { flagged: true } });
    client = connect(t);
    await client.connect();
  });
  afterAll(async () => {
    await client.logout().catch(() => undefined);
    await t.close();
    removeTempDataDirs();
  });

  it('fetches envelope, body structure, flags, size and dates of every message', async () => {
    const mailbox = await client.mailboxOpen('Work');
    expect(mailbox).toMatchObject({ path: 'Work', exists: 3, uidNext: 4 });
    expect(mailbox.highestModseq).toBeGreaterThan(0n);
    const messages: FetchMessageObject[] = [];
    for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, size: true, internalDate: true })) messages.push(m);
    expect(messages.map((m) => [m.seq, m.uid, [...(m.flags ?? [])]])).toEqual([
      [1, 1, []],
      [2, 2, ['\\Seen']],
      [3, 3, ['\\Flagged']],
    ]);
    expect(messages.map((m) => m.size)).toEqual([NOTE.length, WITH_FILE.length, THIRD.length]);
    expect(new Date(messages[0]!.internalDate!).toISOString()).toBe('2024-03-01T10:00:00.000Z');
    // CONDSTORE is on (imapflow enables it): every message carries its MODSEQ.
    for (const m of messages) expect(m.modseq).toBeGreaterThan(0n);
    expect(messages[0]!.envelope).toMatchObject({
      subject: 'Lake report',
      messageId: '<lake-1@example.net>',
      from: [{ name: 'Carol Lake', address: 'carol@example.net' }],
      to: [{ name: 'Alice', address: 'alice@example.test' }],
      cc: [{ address: 'bob@example.test' }],
    });
    expect(new Date(messages[0]!.envelope!.date!).toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(messages[1]!.envelope!.subject).toBe('Grüße');
    expect(messages[0]!.bodyStructure).toMatchObject({ type: 'text/plain', parameters: { charset: 'us-ascii' }, size: 26, lineCount: 1 });
    expect(messages[1]!.bodyStructure).toMatchObject({
      type: 'multipart/mixed',
      parameters: { boundary: 'sep' },
      childNodes: [
        { part: '1', type: 'text/plain', encoding: '8bit', size: PART_ONE.length, parameters: { charset: 'utf-8' } },
        { part: '2', type: 'application/pdf', encoding: 'base64', disposition: 'attachment', dispositionParameters: { filename: 'report.pdf' } },
      ],
    });
  });

  it('fetchOne returns the source byte for byte and body parts, leaving \\Seen alone', async () => {
    const one = await client.fetchOne('1', { uid: true, source: true, bodyParts: ['1', 'header'] }, { uid: true });
    if (!one) throw new Error('fetchOne found nothing');
    expect(one.source!.equals(NOTE)).toBe(true);
    expect(one.bodyParts!.get('1')!.toString('latin1')).toBe('The water is cold today.\r\n');
    const two = await client.fetchOne('2', { bodyParts: ['1', '2.mime'] }, { uid: true });
    if (!two) throw new Error('fetchOne found nothing');
    expect(two.bodyParts!.get('1')!.equals(PART_ONE)).toBe(true);
    expect(two.bodyParts!.get('2.mime')!.toString()).toMatch(/^Content-Type: application\/pdf; name="report\.pdf"\r\n[^]*\r\n\r\n$/);
    // imapflow fetches with BODY.PEEK: nothing became \Seen.
    expect([...((await client.fetchOne('1', { flags: true }, { uid: true })) || { flags: new Set() }).flags!]).toEqual([]);
    const last = await client.fetchOne('*', { uid: true });
    expect(last && last.uid).toBe(3);
  });

  it('downloads a part decoded from its transfer encoding, and a whole message', async () => {
    const part = await client.download('2', '2', { uid: true });
    expect(part.meta).toMatchObject({ contentType: 'application/pdf', filename: 'report.pdf', encoding: 'base64' });
    expect((await collect(part.content!)).equals(ATTACHMENT)).toBe(true);
    const text = await client.download('2', '1', { uid: true });
    expect(text.meta).toMatchObject({ contentType: 'text/plain', charset: 'utf-8' });
    expect((await collect(text.content!)).toString('utf8')).toBe(PART_ONE.toString('utf8'));
    const whole = await client.download('1', undefined, { uid: true });
    expect((await collect(whole.content!)).equals(NOTE)).toBe(true);
  });

  it('adds, removes and sets flags; fetch (changedSince) returns only what changed', async () => {
    const before = client.mailbox && client.mailbox.highestModseq;
    if (!before) throw new Error('no HIGHESTMODSEQ');
    expect(await client.messageFlagsAdd('1', ['\\Flagged', '$Label1'], { uid: true })).toBe(true);
    const added = await client.fetchOne('1', { flags: true }, { uid: true });
    expect(added && [...added.flags!].sort()).toEqual(['$Label1', '\\Flagged']);
    expect(await client.messageFlagsRemove('1', ['\\Flagged'], { uid: true })).toBe(true);
    expect(await client.messageFlagsSet('3', ['\\Answered', '\\Seen'], { uid: true })).toBe(true);
    const flags: FetchMessageObject[] = [];
    for await (const m of client.fetch('1:*', { uid: true, flags: true }, { changedSince: before })) flags.push(m);
    expect(flags.map((m) => [m.uid, [...m.flags!].sort()])).toEqual([
      [1, ['$Label1']],
      [3, ['\\Answered', '\\Seen']],
    ]);
    for (const m of flags) expect(m.modseq).toBeGreaterThan(before);
    const status = await client.status('Work', { highestModseq: true });
    expect(status && status.highestModseq).toBeGreaterThan(before);
  });

  it('searches with several criteria', async () => {
    // Now: 1 {$Label1}, 2 {\Seen}, 3 {\Answered \Seen}.
    expect(await client.search({ all: true }, { uid: true })).toEqual([1, 2, 3]);
    expect(await client.search({ seen: false })).toEqual([1]);
    expect(await client.search({ seen: true, answered: true })).toEqual([3]);
    expect(await client.search({ keyword: '$Label1' })).toEqual([1]);
    expect(await client.search({ from: 'carol@example.net' })).toEqual([1]);
    expect(await client.search({ or: [{ from: 'dave' }, { subject: 'third' }] })).toEqual([2, 3]);
    expect(await client.search({ not: { from: 'carol' } })).toEqual([2, 3]);
    expect(await client.search({ since: new Date('2024-03-05T00:00:00Z'), before: new Date('2024-03-15T00:00:00Z') })).toEqual([2]);
    expect(await client.search({ sentBefore: new Date('2024-03-05T00:00:00Z') })).toEqual([1]);
    expect(await client.search({ larger: 2000 })).toEqual([2]);
    expect(await client.search({ smaller: 2000, header: { 'x-project': 'heron' } })).toEqual([1]);
    expect(await client.search({ body: 'herons' })).toEqual([3]);
    expect(await client.search({ text: 'Köln' })).toEqual([2]);
    expect(await client.search({ subject: 'Grüße' })).toEqual([2]);
    expect(await client.search({ uid: '2:*', seen: true }, { uid: true })).toEqual([2, 3]);
    expect(await client.search({ cc: 'bob@example.test' })).toEqual([1]);
    const stats = await client.search({ all: true }, { returnOptions: ['MIN', 'MAX', 'COUNT'] });
    expect(stats).toMatchObject({ min: 1, max: 3, count: 3 });
  });

  it('copies (COPYUID), moves and deletes messages', async () => {
    const copied = await client.messageCopy('1:2', 'Archive', { uid: true });
    if (!copied) throw new Error('copy failed');
    expect(copied.destination).toBe('Archive');
    expect([...copied.uidMap!.entries()]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const expunged: ExpungeEvent[] = [];
    const onExpunge = (event: ExpungeEvent): void => void expunged.push(event);
    client.on('expunge', onExpunge);
    try {
      const moved = await client.messageMove('2', 'Trash', { uid: true });
      if (!moved) throw new Error('move failed');
      expect([...moved.uidMap!.entries()]).toEqual([[2, 1]]);
      expect(client.mailbox && client.mailbox.exists).toBe(2);
      expect(await client.messageDelete('3', { uid: true })).toBe(true);
    } finally {
      client.off('expunge', onExpunge);
    }
    // Without QRESYNC, each removal is a numbered EXPUNGE: UID 2 was message 2, then UID 3 became message 2.
    expect(expunged.map((e) => [e.seq, e.vanished])).toEqual([
      [2, false],
      [2, false],
    ]);
    expect(await client.search({ all: true }, { uid: true })).toEqual([1]);
    expect(await client.messageCopy('1', 'Nowhere', { uid: true })).toBe(false);
    const archive = await client.status('Archive', { messages: true });
    const trash = await client.status('Trash', { messages: true });
    expect([archive && archive.messages, trash && trash.messages]).toEqual([2, 1]);
    const trashed = await t.app.mailboxes.get(aliceId, 'Trash');
    const [row] = await t.app.mailboxes.messageMeta(trashed.id, [1]);
    expect((await t.app.mailboxes.body(row!.blob_id)).equals(WITH_FILE)).toBe(true);
  });

  it('QRESYNC: reopening with changedSince reports what vanished and what changed while away', async () => {
    await t.app.mailboxes.create(aliceId, 'Resync');
    for (const raw of [NOTE, WITH_FILE, THIRD]) await t.app.mailboxes.append(aliceId, 'Resync', raw);
    const other = connect(t, { qresync: true });
    await other.connect();
    try {
      const first = await other.mailboxOpen('Resync');
      const known = { uidValidity: first.uidValidity, changedSince: first.highestModseq };
      await other.mailboxClose();

      await client.mailboxOpen('Resync');
      await client.messageFlagsAdd('1', ['\\Flagged'], { uid: true });
      await client.messageDelete('2', { uid: true });

      const vanished: ExpungeEvent[] = [];
      const changed: FlagsEvent[] = [];
      other.on('expunge', (event: ExpungeEvent) => void vanished.push(event));
      other.on('flags', (event: FlagsEvent) => void changed.push(event));
      const reopened = await other.mailboxOpen('Resync', known);
      expect(reopened.exists).toBe(2);
      expect(vanished).toEqual([expect.objectContaining({ path: 'Resync', uid: 2, vanished: true, earlier: true })]);
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatchObject({ path: 'Resync', uid: 1, seq: 1 });
      expect([...changed[0]!.flags]).toEqual(['\\Flagged']);
      expect(changed[0]!.modseq).toBeGreaterThan(known.changedSince!);

      // A flag change by the other client while this one is selected arrives with the next command.
      const live = new Promise<FlagsEvent>((resolve) => other.once('flags', resolve));
      await client.messageFlagsAdd('3', ['$Later'], { uid: true });
      await other.noop();
      const event = await live;
      expect(event).toMatchObject({ uid: 3, seq: 2 });
      expect([...event.flags]).toEqual(['$Later']);

      // Under QRESYNC this client's own delete comes back as VANISHED (not EARLIER) with the UID.
      expect(await other.messageDelete('1', { uid: true })).toBe(true);
      expect(vanished).toHaveLength(2);
      expect(vanished[1]).toMatchObject({ path: 'Resync', uid: 1, vanished: true });
      expect(vanished[1]!.earlier).toBeFalsy();
      expect(await other.search({ all: true }, { uid: true })).toEqual([3]);
    } finally {
      await other.logout().catch(() => undefined);
    }
  });
});
