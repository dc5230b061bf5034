// The outbound worker over SQLite and PostgreSQL against a real SMTP server on loopback: delivery, retries, bounces, expiry, null MX.
import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { ALICE, HOSTNAME, message, outboundFixture } from '../../../test/support/outbound-fixture.js';
import { OutboundQueueAdmin } from './outbound-queue-admin.js';

const DAY_MS = 24 * 3600_000;

/** The fields of the message/delivery-status part, per block (message block first). */
async function deliveryStatus(raw: Buffer): Promise<{ parsed: Awaited<ReturnType<typeof simpleParser>>; blocks: Array<Record<string, string>>; returned: string }> {
  const parsed = await simpleParser(raw);
  const text = raw.toString('utf8');
  const start = text.indexOf('Content-Type: message/delivery-status');
  expect(start).toBeGreaterThan(0);
  const body = text.slice(text.indexOf('\r\n\r\n', start) + 4, text.indexOf('\r\n--', start));
  const blocks = body
    .split(/\r\n\r\n/)
    .filter((b) => b.trim() !== '')
    .map((block) => Object.fromEntries(block.split('\r\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()])));
  const last = text.lastIndexOf('Content-Type: ');
  const returned = text.slice(last);
  return { parsed, blocks, returned };
}

describeOnEveryDialect('OutboundWorker', outboundFixture, (f) => {
  it('sends one transaction per domain with the exact bytes and envelope, over STARTTLS, then forgets the rows and the body', async () => {
    const mx = await f.remote();
    const raw = message('Exact bytes', '..two dots\r\nlast line without dot\r\n');
    await f.enqueue(raw, { to: ['bob@remote.test', 'carol@remote.test', 'dave@other.test'] });
    const blobId = (await f.rows())[0]!.blob_id;
    await f.worker({ port: mx.port }).runOnce();

    expect(await f.rows()).toEqual([]);
    expect(mx.received).toHaveLength(2);
    const byDomain = new Map(mx.received.map((m) => [m.rcptTo[0]!.split('@')[1], m]));
    expect(byDomain.get('remote.test')!.rcptTo.sort()).toEqual(['bob@remote.test', 'carol@remote.test']);
    expect(byDomain.get('other.test')!.rcptTo).toEqual(['dave@other.test']);
    for (const received of mx.received) {
      expect(received.mailFrom).toBe(ALICE);
      expect(received.data.equals(raw)).toBe(true);
      // Opportunistic STARTTLS: the self-signed certificate is accepted for an MX.
      expect(received.secure).toBe(true);
      expect(received.helo).toBe(HOSTNAME);
    }
    expect(await f.store.blobs.has(blobId)).toBe(false);
  });

  it('keeps the body while a mailbox message still uses it', async () => {
    const mx = await f.remote();
    const raw = message('Sent copy');
    // As submission does: the Sent copy and the queue rows share one blob.
    await f.mail.deliver({
      raw,
      targets: [{ accountId: f.aliceId, specialUse: 'Sent' }],
      alsoInTransaction: (tx, blob) =>
        tx.outbound
          .enqueue([{ account_id: f.aliceId, mail_from: ALICE, recipient: 'bob@remote.test', domain: 'remote.test', blob_id: blob.id, size: blob.size, next_attempt_at: Date.now(), dsn: null, created_at: Date.now(), expires_at: Date.now() + DAY_MS }])
          .then(() => undefined),
    });
    const blobId = (await f.rows())[0]!.blob_id;
    await f.worker({ port: mx.port }).runOnce();
    expect(mx.received).toHaveLength(1);
    expect(await f.store.blobs.has(blobId)).toBe(true);
  });

  it('defers a 451 with back-off and delivers after an admin retry', async () => {
    let answer: string | undefined = '451 4.3.0 greylisted, try again later';
    const mx = await f.remote({ onRcptTo: () => answer });
    const [id] = await f.enqueue(message('Greylisted'), { to: ['bob@remote.test'] });
    const before = Date.now();
    const worker = f.worker({ port: mx.port });
    await worker.runOnce();

    const [row] = await f.rows();
    expect(row).toMatchObject({ id, status: 'queued', attempts: 1, locked_until: 0 });
    expect(row!.next_attempt_at).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(row!.last_error).toContain('451 4.3.0 greylisted');
    expect(mx.received).toHaveLength(0);

    // Not due yet: another run leaves it alone.
    await worker.runOnce();
    expect((await f.rows())[0]!.attempts).toBe(1);

    answer = undefined;
    await new OutboundQueueAdmin({ store: f.store, now: Date.now }).retry(id!);
    await worker.runOnce();
    expect(await f.rows()).toEqual([]);
    expect(mx.received.map((m) => m.rcptTo)).toEqual([['bob@remote.test']]);
  });

  it('fails a 550 recipient and puts an RFC 3464 report in the local sender INBOX, delivering the others', async () => {
    const mx = await f.remote({ onRcptTo: (address) => (address.startsWith('nobody') ? '550 5.1.1 <nobody@remote.test>: no such user' : undefined) });
    const raw = message('Partly unknown');
    const [, failedId] = await f.enqueue(raw, { to: ['bob@remote.test', 'nobody@remote.test'] });
    await f.worker({ port: mx.port }).runOnce();

    expect(mx.received.map((m) => m.rcptTo)).toEqual([['bob@remote.test']]);
    const rows = await f.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: failedId, status: 'failed', attempts: 1 });
    expect(rows[0]!.last_error).toContain('550 5.1.1');

    const inbox = await f.inbox();
    expect(inbox).toHaveLength(1);
    const { parsed, blocks, returned } = await deliveryStatus(inbox[0]!);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.from?.value[0]?.address).toBe(`MAILER-DAEMON@${HOSTNAME}`);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined).toBe(ALICE);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(blocks[0]).toMatchObject({ 'Reporting-MTA': `dns; ${HOSTNAME}` });
    expect(Number.isNaN(Date.parse(blocks[0]!['Arrival-Date']!))).toBe(false);
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toMatchObject({
      'Final-Recipient': 'rfc822; nobody@remote.test',
      Action: 'failed',
      Status: '5.1.1',
      'Remote-MTA': 'dns; mx.remote.test',
      'Diagnostic-Code': 'smtp; 550 5.1.1 <nobody@remote.test>: no such user',
    });
    // Headers only by default (no RET=FULL): the subject is there, the body is not.
    expect(returned).toMatch(/^Content-Type: text\/rfc822-headers/);
    expect(returned).toContain('Subject: Partly unknown');
    expect(returned).not.toContain('Hello from the test.');
    expect(parsed.text).toContain('nobody@remote.test');
  });

  it('returns the whole message when the sender asked for RET=FULL', async () => {
    const mx = await f.remote({ onData: () => '554 5.7.1 message refused' });
    await f.enqueue(message('Return it all'), { to: ['bob@remote.test'], dsn: { ret: 'FULL' } });
    await f.worker({ port: mx.port }).runOnce();
    const [dsn] = await f.inbox();
    const { blocks, returned } = await deliveryStatus(dsn!);
    expect(blocks[1]).toMatchObject({ Status: '5.7.1', 'Diagnostic-Code': 'smtp; 554 5.7.1 message refused' });
    expect(returned).toMatch(/^Content-Type: message\/rfc822/);
    expect(returned).toContain('Hello from the test.');
  });

  it('bounces with 4.4.7 when temporary failures outlast the queue lifetime', async () => {
    const mx = await f.remote({ onRcptTo: () => '452 4.2.2 mailbox full' });
    await f.enqueue(message('Too late'), { to: ['bob@remote.test'] });
    // Six days later: the five-day lifetime is over.
    await f.worker({ port: mx.port, now: () => Date.now() + 6 * DAY_MS }).runOnce();

    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.last_error).toMatch(/^4\.4\.7 delivery time expired; last error: 452 4\.2\.2 mailbox full/);
    const [dsn] = await f.inbox();
    const { blocks } = await deliveryStatus(dsn!);
    expect(blocks[1]).toMatchObject({ Action: 'failed', Status: '4.4.7', 'Final-Recipient': 'rfc822; bob@remote.test' });
    expect(blocks[1]!['Diagnostic-Code']).toContain('452 4.2.2 mailbox full');
  });

  it('fails a domain with a null MX at once, without connecting anywhere', async () => {
    const mx = await f.remote();
    await f.enqueue(message('Null MX'), { to: ['someone@nullmx.test'] });
    await f.worker({ port: mx.port }).runOnce();
    expect(mx.connections()).toBe(0);
    expect((await f.rows())[0]).toMatchObject({ status: 'failed', attempts: 1 });
    const { blocks } = await deliveryStatus((await f.inbox())[0]!);
    expect(blocks[1]).toMatchObject({ Status: '5.1.10', 'Final-Recipient': 'rfc822; someone@nullmx.test' });
    expect(blocks[1]!['Remote-MTA']).toBeUndefined();
  });

  it('never bounces a bounce, and honours NOTIFY=NEVER', async () => {
    const mx = await f.remote({ onRcptTo: () => '550 5.1.1 no such user' });
    await f.enqueue(message('A bounce'), { mailFrom: '', to: ['bob@remote.test'] });
    await f.enqueue(message('Quiet please'), { to: ['carol@remote.test'], dsn: { notify: ['NEVER'] } });
    await f.worker({ port: mx.port }).runOnce();
    const rows = await f.rows();
    expect(rows.map((r) => [r.recipient, r.status])).toEqual([
      ['bob@remote.test', 'failed'],
      ['carol@remote.test', 'failed'],
    ]);
    expect(await f.inbox()).toEqual([]);
    expect(mx.received).toHaveLength(0);
  });

  it('queues the report for a remote sender with a null envelope sender, and delivers it', async () => {
    const mx = await f.remote({ onRcptTo: (address) => (address === 'bob@remote.test' ? '550 5.1.1 no such user' : undefined) });
    await f.enqueue(message('From afar'), { mailFrom: 'zoe@far.test', to: ['bob@remote.test'] });
    // runOnce goes on while something is due: the DSN queued by the bounce goes out in the same run.
    await f.worker({ port: mx.port }).runOnce();
    expect(mx.received).toHaveLength(1);
    const [dsn] = mx.received;
    expect(dsn!.mailFrom).toBe('');
    expect(dsn!.rcptTo).toEqual(['zoe@far.test']);
    const { blocks } = await deliveryStatus(dsn!.data);
    expect(blocks[1]).toMatchObject({ Status: '5.1.1', 'Final-Recipient': 'rfc822; bob@remote.test' });
    expect((await f.rows()).map((r) => [r.recipient, r.mail_from, r.status])).toEqual([['bob@remote.test', 'zoe@far.test', 'failed']]);
  });

  it('defers when the MX refuses connections, and never delivers in plain text when TLS is required', async () => {
    const mx = await f.remote({ noStartTLS: true });
    await f.enqueue(message('Closed port'), { to: ['bob@remote.test'] });
    // Port 1 on loopback: nothing listens there.
    await f.worker({ port: 1 }).runOnce();
    const [refused] = await f.rows();
    expect(refused).toMatchObject({ status: 'queued', attempts: 1 });
    expect(refused!.last_error).toMatch(/^4\.4\.1 /);

    await new OutboundQueueAdmin({ store: f.store, now: Date.now }).retry(refused!.id);
    await f.worker({ port: mx.port, settings: { requireTLS: true } }).runOnce();
    const [plain] = await f.rows();
    expect(plain).toMatchObject({ status: 'queued', attempts: 2 });
    expect(mx.received).toHaveLength(0);

    await new OutboundQueueAdmin({ store: f.store, now: Date.now }).retry(refused!.id);
    await f.worker({ port: mx.port }).runOnce();
    expect(mx.received).toHaveLength(1);
    expect(mx.received[0]!.secure).toBe(false);
  });

  it('purges failed rows a week after their lifetime, with their body', async () => {
    const [old] = await f.enqueue(message('Long failed'), { to: ['bob@remote.test'], now: Date.now() - 13 * DAY_MS });
    const [recent] = await f.enqueue(message('Recently failed'), { to: ['carol@remote.test'] });
    await f.store.outbound.fail(old!, { error: '550 gone' });
    await f.store.outbound.fail(recent!, { error: '550 gone' });
    const oldBlob = (await f.store.outbound.find(old!))!.blob_id;
    const worker = f.worker({ port: 1 });
    worker.start();
    await expect.poll(async () => (await f.rows()).map((r) => r.id), { timeout: 5000 }).toEqual([recent]);
    await expect.poll(() => f.store.blobs.has(oldBlob), { timeout: 5000 }).toBe(false);
  });
});
