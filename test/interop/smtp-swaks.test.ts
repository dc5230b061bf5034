// swaks (Debian's SMTP test tool) against a real `mailward serve`: STARTTLS + AUTH LOGIN submission and a plain MX delivery.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, tempDataDir } from '../support/cli.js';
import type { MailServer } from '../support/mail-server.js';
import { addedFields, passwordOf, startMailServer, stopMailServer } from '../support/mail-server.js';
import { SKIP_WITHOUT_SWAKS, swaks } from '../support/swaks.js';

const SKIP = SKIP_WITHOUT_SWAKS;

let server: MailServer;
let dir: string;

beforeAll(async () => {
  if (SKIP) return;
  assertBuilt();
  dir = tempDataDir('mailward-swaks-');
  server = await startMailServer({ users: ['alice@example.test', 'bob@example.test'] });
});

afterAll(() => stopMailServer(server));

/**
 * A message file for `swaks --data` (CRLF line ends, a unique token) and the bytes swaks sends for
 * it: swaks always ends the data with CRLF "." itself, so the file has no final line break.
 */
function messageFile(t: string, from: string): { file: string; bytes: Buffer } {
  const text =
    `From: ${from}\r\nTo: bob@example.test\r\nSubject: swaks ${t}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n` +
    `Message-ID: <${t}@swaks.example>\r\n\r\nbody ${t}\r\nsecond line`;
  const file = path.join(dir, `${t}.eml`);
  fs.writeFileSync(file, text);
  return { file, bytes: Buffer.from(`${text}\r\n`) };
}

describe.skipIf(SKIP).concurrent('swaks against mailward serve', () => {
  it('submission: STARTTLS, AUTH LOGIN, 250, and bob has the message byte for byte', async () => {
    const t = randomBytes(6).toString('hex');
    const { file, bytes } = messageFile(t, 'alice@example.test');
    const { code, transcript } = await swaks([
      '--server', '127.0.0.1', '--port', String(server.ports.submission), '--helo', 'swaks.example',
      '--tls', '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', passwordOf('alice@example.test'),
      '--from', 'alice@example.test', '--to', 'bob@example.test', '--data', file, '--timeout', '20',
    ]);
    expect(code, transcript).toBe(0);
    // swaks marks lines after TLS with "~": the AUTH and the message went over TLS.
    expect(transcript).toMatch(/^ -> STARTTLS$/m);
    expect(transcript).toMatch(/^<-  220 /m);
    expect(transcript).toMatch(/^ ~> AUTH LOGIN$/m);
    expect(transcript).toMatch(/^<~  235 2\.7\.0 /m);
    expect(transcript).toMatch(/^<~  250 2\.\d\.\d Message accepted$/m);
    expect(transcript).not.toContain(passwordOf('alice@example.test'));

    const stored = server.messages('bob@example.test').filter((m) => m.raw.includes(t));
    expect(stored).toHaveLength(1);
    const added = addedFields(stored[0]!.raw, bytes);
    expect(added.received).toEqual([expect.stringMatching(/^Received: from swaks\.example \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Mailward\) with ESMTPSA /)]);
    expect(server.messages('alice@example.test', { specialUse: 'Sent' }).filter((m) => m.raw.includes(t))).toHaveLength(1);
  });

  it('MX: plain SMTP from another server, 250, and the message stored with an ESMTP Received line', async () => {
    const t = randomBytes(6).toString('hex');
    const { file, bytes } = messageFile(t, 'someone@remote.example');
    const { code, transcript } = await swaks([
      '--server', '127.0.0.1', '--port', String(server.ports.smtp), '--helo', 'mx.remote.example',
      '--from', 'someone@remote.example', '--to', 'bob@example.test', '--data', file, '--timeout', '20',
    ]);
    expect(code, transcript).toBe(0);
    expect(transcript).toMatch(/^<-  250 2\.1\.5 /m);
    expect(transcript).toMatch(/^<-  250 2\.\d\.\d Message accepted for delivery$/m);
    const stored = server.messages('bob@example.test').filter((m) => m.raw.includes(t));
    expect(stored).toHaveLength(1);
    const added = addedFields(stored[0]!.raw, bytes);
    expect(added.received).toEqual([expect.stringMatching(/^Received: from mx\.remote\.example \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Mailward\) with ESMTP id \w+\r\n\tfor <bob@example\.test>;/)]);
  });

  it('MX: an unknown recipient ends the swaks run with 550 5.1.1 and nothing stored', async () => {
    const t = randomBytes(6).toString('hex');
    const { file } = messageFile(t, 'someone@remote.example');
    const { code, transcript } = await swaks([
      '--server', '127.0.0.1', '--port', String(server.ports.smtp),
      '--from', 'someone@remote.example', '--to', 'nobody@example.test', '--data', file, '--timeout', '20',
    ]);
    // swaks exits 24 when every recipient was refused.
    expect(code, transcript).toBe(24);
    expect(transcript).toMatch(/^<\*\* 550 5\.1\.1 /m);
    expect(server.messages('bob@example.test').some((m) => m.raw.includes(t))).toBe(false);
  });
});
