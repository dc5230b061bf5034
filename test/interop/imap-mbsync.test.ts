// mbsync (isync from Debian) syncing a 1,000-message mailbox with Mailward both ways and back: nothing lost, nothing duplicated, flags and deletions carried.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs, tempDataDir } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const HAVE_MBSYNC = spawnSync('mbsync', ['--version'], { stdio: 'ignore' }).status === 0;
// .ci/run installs isync; a developer machine without it skips, CI must not.
const SKIP = !HAVE_MBSYNC && process.env.CI !== 'true';
const ALICE = 'alice@example.test';
const COUNT = 1000;

function message(id: string, subject: string): Buffer {
  return Buffer.from(
    `From: Sender <sender@example.net>\r\nTo: ${ALICE}\r\nSubject: ${subject}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n` +
      `Message-ID: <${id}@example.net>\r\n\r\nBody of ${subject}\r\n${'x'.repeat(200)}\r\n`,
  );
}

function mbsync(config: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('mbsync', ['-c', config, '-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Message-IDs of every message in a Maildir folder (cur and new), with their flag letters. */
function maildir(folder: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['cur', 'new']) {
    const dir = path.join(folder, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, name), 'latin1');
      const id = /^Message-ID: <([^>]+)>/im.exec(text)?.[1] ?? `?${name}`;
      if (out.has(id)) throw new Error(`duplicate ${id} in ${folder}`);
      out.set(id, /:2,([A-Z]*)$/.exec(name)?.[1] ?? '');
    }
  }
  return out;
}

describe.skipIf(SKIP)('mbsync against Mailward', () => {
  let t: IMAPTestServer;
  let dir: string;
  let config: string;
  let inbox: number;

  beforeAll(async () => {
    t = await startIMAPTestServer();
    dir = tempDataDir('mailward-mbsync-');
    const account = t.accounts.get(ALICE)!;
    for (let i = 0; i < COUNT; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => t.app.mail.deliver({ raw: message(`m${i + j}`, `message ${i + j}`), targets: [{ accountId: account }] })));
    }
    inbox = (await t.app.mailboxes.get(account, 'INBOX')).id;
    config = path.join(dir, 'mbsyncrc');
    fs.mkdirSync(path.join(dir, 'mail'), { recursive: true });
    fs.writeFileSync(
      config,
      [
        'IMAPAccount mailward',
        'Host 127.0.0.1',
        `Port ${t.imapPort}`,
        `User ${ALICE}`,
        `Pass "${passwordOf(ALICE)}"`,
        // Loopback only: the server under test allows plain text here (imap.allow_plaintext_auth).
        'SSLType None',
        'AuthMechs LOGIN',
        '',
        'IMAPStore remote',
        'Account mailward',
        '',
        'MaildirStore local',
        `Path ${dir}/mail/`,
        `Inbox ${dir}/mail/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel sync',
        'Far :remote:',
        'Near :local:',
        'Patterns INBOX Archive',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        'Sync All',
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    removeTempDataDirs();
  });

  async function serverIds(): Promise<Map<string, string>> {
    const rows = await t.app.mailboxes.messages(inbox, (await t.app.mailboxes.listFlags(inbox)).map((f) => f.uid));
    const out = new Map<string, string>();
    for (const row of rows) {
      const id = row.message_id.replace(/^<|>$/g, '');
      if (out.has(id)) throw new Error(`duplicate ${id} on the server`);
      out.set(id, `${row.flagged ? 'F' : ''}${row.answered ? 'R' : ''}${row.seen ? 'S' : ''}`);
    }
    return out;
  }

  it('pulls 1,000 messages, pushes new and changed ones back, and a second run changes nothing', async () => {
    const first = await mbsync(config);
    expect(first.code, first.output).toBe(0);
    const local = maildir(path.join(dir, 'mail', 'INBOX'));
    expect(local.size).toBe(COUNT);

    // Near side: 50 new messages, 20 marked seen and flagged, 10 deleted.
    // Unseen messages arrive in new/, seen ones in cur/ (Maildir); a flagged message moves to cur/ with its info suffix.
    const box = path.join(dir, 'mail', 'INBOX');
    // In UID order (mbsync writes `,U=<uid>` into each name): the changes below touch the lowest UIDs,
    // never the five highest that the other client deletes on the server at the same time.
    const uidOf = (file: string): number => Number(/,U=(\d+)/.exec(file)?.[1] ?? NaN);
    const files = ['cur', 'new'].flatMap((sub) => fs.readdirSync(path.join(box, sub)).map((name) => path.join(sub, name))).sort((a, b) => uidOf(a) - uidOf(b));
    expect(files.length).toBe(COUNT);
    expect(files.every((file) => Number.isInteger(uidOf(file)))).toBe(true);
    for (const file of files.slice(0, 20)) fs.renameSync(path.join(box, file), path.join(box, 'cur', `${path.basename(file).replace(/:2,[A-Z]*$/, '')}:2,FS`));
    for (const file of files.slice(20, 30)) fs.rmSync(path.join(box, file));
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, 'mail', 'INBOX', 'new', `${Date.now()}.n${i}.local`), message(`local${i}`, `local ${i}`));
    // Far side at the same time: 5 messages deleted by another client.
    const uids = (await t.app.mailboxes.listFlags(inbox)).map((f) => f.uid);
    await t.app.mailboxes.remove(inbox, uids.slice(-5));

    const second = await mbsync(config);
    expect(second.code, second.output).toBe(0);
    const afterLocal = maildir(path.join(dir, 'mail', 'INBOX'));
    const afterServer = await serverIds();
    expect(afterServer.size).toBe(COUNT - 10 - 5 + 50);
    expect([...afterLocal.keys()].sort()).toEqual([...afterServer.keys()].sort());
    for (let i = 0; i < 50; i++) expect(afterServer.has(`local${i}@example.net`)).toBe(true);
    const flaggedSeen = [...afterServer.values()].filter((f) => f.includes('F') && f.includes('S')).length;
    expect(flaggedSeen).toBe(20);

    const third = await mbsync(config);
    expect(third.code, third.output).toBe(0);
    expect([...maildir(path.join(dir, 'mail', 'INBOX')).keys()].sort()).toEqual([...(await serverIds()).keys()].sort());
    expect((await serverIds()).size).toBe(COUNT - 15 + 50);
  }, 120_000);
});
