// fetchmail (Debian) downloading a 500-message maildrop from Mailward: once with --keep, then new mail only by UIDL, then everything with deletion; nothing lost, nothing duplicated.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs, tempDataDir } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';
import type { POP3Server } from '../support/pop3-server.js';
import { startPOP3Server, testMessage } from '../support/pop3-server.js';
import { wireDeliver } from '../support/smtp-wire.js';

const HAVE_FETCHMAIL = spawnSync('fetchmail', ['--version'], { stdio: 'ignore' }).status === 0;
// .ci/run installs fetchmail; a developer machine without it skips, CI must not.
const SKIP = !HAVE_FETCHMAIL && process.env.CI !== 'true';
const ALICE = 'alice@example.test';
const COUNT = 500;
const LATE = 20;

/** Message-IDs in a BSMTP file fetchmail wrote, in order (header lines only: bodies have none). */
function messageIds(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return [...fs.readFileSync(file, 'latin1').matchAll(/^Message-ID: <([^>]+)>\r?$/gim)].map((m) => m[1]!);
}

describe.skipIf(SKIP)('fetchmail against Mailward', () => {
  let t: POP3Server;
  let dir: string;
  let rc: string;

  beforeAll(async () => {
    t = await startPOP3Server({ users: [ALICE] });
    // Bodies of different sizes, some with dot lines, so that sizes and dot-stuffing are exercised.
    const messages = Array.from({ length: COUNT }, (_, i) =>
      testMessage({ id: `fm${i + 1}`, body: `message ${i + 1}\r\n${i % 7 === 0 ? '.\r\n..dots\r\n' : ''}${'z'.repeat((i * 37) % 3000)}\r\nend\r\n` }),
    );
    await t.seed(ALICE, messages);
    dir = tempDataDir('mailward-fetchmail-');
    rc = path.join(dir, 'fetchmailrc');
    // The STLS port: fetchmail upgrades because CAPA offers STLS (sslproto forces it), and the
    // test certificate is self-signed, so no sslcertck. `uidl` makes it remember what it has seen.
    fs.writeFileSync(
      rc,
      [
        'set no syslog',
        `poll 127.0.0.1 with proto POP3 port ${t.ports.pop3} uidl`,
        `  user '${ALICE}' there with password '${passwordOf(ALICE)}' is 'alice' here`,
        "  options no sslcertck sslproto 'TLS1.2+'",
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  });
  afterAll(async () => {
    await t.stop();
    removeTempDataDirs();
  });

  function fetchmail(args: string[], out: string): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('fetchmail', ['-f', rc, '--nosyslog', '--norewrite', '--idfile', path.join(dir, 'fetchids'), '--bsmtp', out, ...args], {
        // Its pid file and state live in the temp directory, not in the user's home.
        env: { ...process.env, HOME: dir, FETCHMAILHOME: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  it('--keep downloads all 500 once and leaves them; then only new mail, deleted after; then everything, deleted', { timeout: 120_000 }, async () => {
    const seeded = Array.from({ length: COUNT }, (_, i) => `fm${i + 1}@test.example`);

    const keep = await fetchmail(['--keep'], path.join(dir, 'keep.bsmtp'));
    expect(keep.code, keep.output).toBe(0);
    expect(keep.output).toContain(`${COUNT} messages for ${ALICE}`);
    expect(messageIds(path.join(dir, 'keep.bsmtp'))).toEqual(seeded);
    expect(t.mail.messages(ALICE)).toHaveLength(COUNT);

    // New mail arrives by SMTP; the next run must fetch exactly that, telling old from new by UIDL.
    const late = Array.from({ length: LATE }, (_, i) => `late${i + 1}@test.example`);
    for (let i = 1; i <= LATE; i++) {
      const sent = await wireDeliver(t.mail.ports.smtp, { from: 'sender@remote.example', to: [ALICE], data: testMessage({ id: `late${i}` }) });
      expect(sent.final.code).toBe(250);
    }
    const fresh = await fetchmail([], path.join(dir, 'fresh.bsmtp'));
    expect(fresh.code, fresh.output).toBe(0);
    expect(messageIds(path.join(dir, 'fresh.bsmtp'))).toEqual(late);
    const left = t.mail.messages(ALICE).map((m) => m.messageId.slice(1, -1));
    expect(left).toEqual(seeded);

    // Nothing new: fetchmail exits 1 ("no mail") and downloads nothing.
    const none = await fetchmail([], path.join(dir, 'none.bsmtp'));
    expect(none.code, none.output).toBe(1);
    expect(messageIds(path.join(dir, 'none.bsmtp'))).toEqual([]);

    const all = await fetchmail(['--all'], path.join(dir, 'all.bsmtp'));
    expect(all.code, all.output).toBe(0);
    expect(messageIds(path.join(dir, 'all.bsmtp'))).toEqual(seeded);
    expect(t.mail.messages(ALICE)).toHaveLength(0);

    // Every message exactly where it belongs: kept run + final run = the 500 twice, the late ones once.
    const everything = [...messageIds(path.join(dir, 'keep.bsmtp')), ...messageIds(path.join(dir, 'fresh.bsmtp')), ...messageIds(path.join(dir, 'all.bsmtp'))];
    const counts = new Map<string, number>();
    for (const id of everything) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(COUNT + LATE);
    for (const id of seeded) expect(counts.get(id)).toBe(2);
    for (const id of late) expect(counts.get(id)).toBe(1);
  });

  it('the bodies fetchmail delivered are the stored bytes (dot-stuffing undone)', () => {
    const text = fs.readFileSync(path.join(dir, 'all.bsmtp'), 'latin1');
    // BSMTP dot-stuffs again, so a lone dot line in a message is ".." in the file, and "..dots" is "...dots".
    expect(text).toContain('\r\nmessage 1\r\n..\r\n...dots\r\n');
    expect(text.match(/^DATA\r?$/gm)).toHaveLength(COUNT);
  });
});
