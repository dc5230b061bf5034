// The server the wire fuzz talks to: a temporary data directory with a few accounts and messages of every shape, and `mailward serve` with only IMAP open.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../serve-process.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { prepareMailward, startMailward } from '../imap/mailward-imap.mjs';

export const FUZZ_USERS = ['fuzz0@example.test', 'fuzz1@example.test', 'fuzz2@example.test', 'fuzz3@example.test'];
export const FUZZ_PASSWORD = 'fuzz-Password-9431';

/** Messages with the structures FETCH has to walk: plain, nested multipart, message/rfc822, encoded words, 8-bit, a broken boundary. */
export function seedMessages(count) {
  const shapes = [
    (i) => `From: Alice <alice@example.test>\r\nTo: bob@example.test, "Chen, Bob" <bob@example.test>\r\nSubject: plain ${i}\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <p${i}@example.test>\r\n\r\nHello ${i}\r\n`,
    (i) =>
      `From: =?UTF-8?B?5p2O5Zub?= <li@example.test>\r\nSubject: =?UTF-8?Q?caf=C3=A9_${i}?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ntext\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--inner--\r\n--outer\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner ${i}\r\nContent-Type: text/plain\r\n\r\ninner body\r\n--outer--\r\n`,
    (i) => `Subject: 8bit ${i}\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\xe9t\xe9 ${i}\r\n`,
    (i) => `Subject: broken ${i}\r\nContent-Type: multipart/mixed; boundary=nope\r\n\r\n--wrong\r\nno end\r\n`,
    (i) => `From: <@route,@other:user@example.test>\r\nTo: group: a@b.test, c@d.test;\r\nSubject: group ${i}\r\n\r\nbody\r\n`,
  ];
  return Array.from({ length: count }, (_, i) => Buffer.from(shapes[i % shapes.length](i), 'latin1'));
}

export async function prepareServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-imap-fuzz-'));
  await prepareMailward({ dataDir, users: FUZZ_USERS, password: FUZZ_PASSWORD, messagesFor: () => seedMessages(20) });
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const port = await freePort();
  const serve = await startMailward({ dataDir, imapPort: port, maxConnections: 900 });
  return {
    port,
    dataDir,
    serve,
    maxMessageBytes: loadConfig({ env: {} }).smtp.max_message_bytes,
    stop: async () => {
      await serve.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
