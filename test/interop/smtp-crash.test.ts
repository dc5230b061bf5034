// Crash and shutdown safety of SMTP delivery: SIGKILL in the middle of a load loses no acknowledged message and reuses no UID; SIGTERM lets a message in flight finish.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { MailServer } from '../support/mail-server.js';
import { addedFields, startMailServer } from '../support/mail-server.js';
import { WireClient, wireDeliver } from '../support/smtp-wire.js';

const WORKERS = 8;
const PER_WORKER = 25;
/** SIGKILL once this many messages got their 250: about half the load, with every connection busy. */
const KILL_AFTER = 100;

let server: MailServer;

beforeAll(async () => {
  assertBuilt();
  server = await startMailServer({ users: ['alice@example.test'] });
});

afterAll(async () => {
  WireClient.destroyAll();
  await killAllServes();
  removeTempDataDirs();
});

/** A message with a unique token in its Message-ID and body; sizes vary (2 to 160 kB) so some are mid-write at the kill. */
function crashMessage(worker: number, n: number): { token: string; raw: Buffer } {
  const token = `crash-${worker}-${n}-${randomBytes(4).toString('hex')}`;
  // One in five is past the size kept as a database row, so both kinds of body are mid-write at the kill.
  const step = (worker * 7 + n * 13) % 5;
  const lines = step === 4 ? 2500 : 20 + step * 150;
  const body = Array.from({ length: lines }, (_, i) => `${token} line ${i} ${randomBytes(16).toString('base64')}\r\n`).join('');
  const raw = Buffer.from(
    `From: load@remote.example\r\nTo: alice@example.test\r\nSubject: ${token}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n` +
      `Message-ID: <${token}@remote.example>\r\n\r\n${body}`,
  );
  return { token, raw };
}

/** Past the size up to which bodies are database rows (TieredBlobStore), so this one must be a file. */
const LARGE_BODY = `${'x'.repeat(98)}\r\n`.repeat(2000);

const tokenOf = (raw: Buffer): string | undefined => /^Message-ID: <(crash-[^@>]+|after-[^@>]+)@/m.exec(raw.toString('latin1'))?.[1];

describe('SMTP crash safety', () => {
  it(`SIGKILL during ${WORKERS} concurrent nodemailer connections: every 250 is in INBOX with the same bytes, UIDs strictly increase and are never reused`, { timeout: 60_000 }, async () => {
    const sent = new Map<string, Buffer>();
    const acked = new Set<string>();
    let killing: Promise<void> | undefined;
    const port = server.ports.smtp;

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        // One pooled connection per worker: eight connections delivering at once.
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity });
        transport.on('error', () => undefined);
        try {
          for (let n = 0; n < PER_WORKER; n++) {
            const { token, raw } = crashMessage(worker, n);
            sent.set(token, raw);
            try {
              const info = await transport.sendMail({ envelope: { from: 'load@remote.example', to: ['alice@example.test'] }, raw });
              if (!/^250 /.test(info.response)) throw new Error(`unexpected reply ${info.response}`);
              acked.add(token);
            } catch {
              // The server is gone: this message and the rest of this worker's are not acknowledged.
              break;
            }
            if (acked.size >= KILL_AFTER && !killing) killing = server.kill();
          }
        } finally {
          transport.close();
        }
      }),
    );
    await killing;
    expect(killing, 'the load finished before the kill').toBeDefined();
    expect(server.serve.child.signalCode).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acked.size).toBeLessThan(WORKERS * PER_WORKER);

    await server.restart();
    // Temp files of writes the kill interrupted were never acknowledged; the restart clears them.
    expect(fs.readdirSync(path.join(server.data, 'blobs', 'tmp'))).toEqual([]);

    const before = server.messages('alice@example.test');
    const byToken = new Map<string, typeof before>();
    for (const message of before) {
      const token = tokenOf(message.raw);
      expect(token, `stored message ${message.uid} has a known token`).toBeDefined();
      byToken.set(token!, [...(byToken.get(token!) ?? []), message]);
      // Content-addressed blobs: a torn write would not hash to its name.
      expect(createHash('sha256').update(message.raw).digest('hex')).toBe(message.blobId);
      // Every stored message, acknowledged or not, is whole: our Received line plus the exact bytes sent.
      expect(addedFields(message.raw, sent.get(token!)!).received).toHaveLength(1);
    }
    const missing = [...acked].filter((token) => !byToken.has(token));
    expect(missing, 'acknowledged but not stored').toEqual([]);
    expect([...byToken.values()].filter((copies) => copies.length > 1)).toEqual([]);

    // UIDs: unique, in the order the rows were written, and below uid_next.
    const uids = before.map((m) => m.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const byInsertion = [...before].sort((a, b) => a.id - b.id).map((m) => m.uid);
    expect(byInsertion).toEqual([...uids].sort((a, b) => a - b));
    const maxBefore = Math.max(...uids);
    expect(server.uidNext('alice@example.test')).toBeGreaterThan(maxBefore);

    // New mail after the restart gets new, higher UIDs.
    for (let i = 0; i < 3; i++) {
      const raw = `Subject: after ${i}\r\nMessage-ID: <after-${i}-${randomBytes(4).toString('hex')}@remote.example>\r\n\r\nafter the crash\r\n`;
      const { final } = await wireDeliver(server.ports.smtp, { from: 'load@remote.example', to: ['alice@example.test'], data: raw });
      expect(final.code).toBe(250);
    }
    const after = server.messages('alice@example.test').filter((m) => !before.some((b) => b.id === m.id));
    expect(after).toHaveLength(3);
    const newUids = after.map((m) => m.uid);
    expect(Math.min(...newUids)).toBeGreaterThan(maxBefore);
    expect(newUids).toEqual([...newUids].sort((a, b) => a - b));
  });

  it('a storage failure mid-delivery: 451 4.3.0 without internal detail, nothing stored, and delivery works again once storage is back', async () => {
    // Every blobs/<xx> directory becomes a file: a body too large to be kept as a database row
    // cannot be written into place (as with a broken or full disk), after the point where errors carry paths.
    const blobs = path.join(server.data, 'blobs');
    const prefixes = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
    for (const prefix of prefixes) {
      if (fs.existsSync(path.join(blobs, prefix))) fs.renameSync(path.join(blobs, prefix), path.join(blobs, `${prefix}.away`));
      fs.writeFileSync(path.join(blobs, prefix), '');
    }
    const t = `storage-${randomBytes(4).toString('hex')}`;
    try {
      const { final } = await wireDeliver(server.ports.smtp, { from: 'load@remote.example', to: ['alice@example.test'], data: `Subject: ${t}\r\n\r\n${LARGE_BODY}` });
      expect(final.code).toBe(451);
      expect(final.text).toMatch(/^4\.3\.0 /);
      // The reply names no path and no OS error: those are for the log.
      expect(final.text).not.toContain(server.data);
      expect(final.text).not.toMatch(/ENOTDIR|EEXIST|blobs|tmp/);
      // Only a reference the admin can find in the log.
      expect(final.text).toMatch(/\(ref [0-9a-f]{12}\)$/);
      // The detail is in the log (which may arrive a moment after the reply).
      await server.serve.waitForLog((line) => line.msg === 'smtp message refused' && JSON.stringify(line).includes('blobs: write failed'), { timeoutMs: 5000 });
    } finally {
      for (const prefix of prefixes) {
        fs.rmSync(path.join(blobs, prefix), { force: true });
        if (fs.existsSync(path.join(blobs, `${prefix}.away`))) fs.renameSync(path.join(blobs, `${prefix}.away`), path.join(blobs, prefix));
      }
    }
    expect(server.messages('alice@example.test').filter((m) => m.raw.includes(t))).toEqual([]);
    const { final } = await wireDeliver(server.ports.smtp, { from: 'load@remote.example', to: ['alice@example.test'], data: `Subject: ${t} again\r\n\r\n${LARGE_BODY}` });
    expect(final.code).toBe(250);
    expect(server.messages('alice@example.test').filter((m) => m.raw.includes(t))).toHaveLength(1);
  });

  it('SIGTERM: an idle connection gets 421 at once, a message in the middle of DATA finishes with 250 and is stored, and serve exits 0 promptly', { timeout: 30_000 }, async () => {
    const idle = await WireClient.connect(server.ports.smtp);
    expect((await idle.reply()).code).toBe(220);
    expect((await idle.command('EHLO idle.example')).code).toBe(250);

    const busy = await WireClient.connect(server.ports.smtp);
    expect((await busy.reply()).code).toBe(220);
    expect((await busy.command('EHLO busy.example')).code).toBe(250);
    expect((await busy.command('MAIL FROM:<late@remote.example>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<alice@example.test>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);
    const t = `sigterm-${randomBytes(4).toString('hex')}`;
    busy.write(`Subject: ${t}\r\nMessage-ID: <${t}@remote.example>\r\n\r\nfirst half, `);

    const started = Date.now();
    const stopped = server.serve.stop('SIGTERM', { timeoutMs: 15_000 });
    await server.serve.waitForLog((line) => line.msg === 'shutting down');
    const bye = await idle.reply();
    expect(bye.code).toBe(421);
    expect(await idle.waitClosed()).toBe(true);

    busy.write('second half\r\n.\r\n');
    const accepted = await busy.reply();
    expect(accepted.code).toBe(250);
    await busy.quit();

    const exit = await stopped;
    expect(exit).toEqual({ code: 0, signal: null });
    // Well under the 10 s shutdown grace, which an idle connection used to use up (exit code 1).
    expect(Date.now() - started).toBeLessThan(8000);
    const stored = server.messages('alice@example.test').filter((m) => m.raw.includes(t));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.raw.toString('latin1')).toMatch(/first half, second half\r\n$/);
  });
});
