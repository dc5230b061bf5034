// The server the wire fuzz talks to: a temporary data directory with a few accounts and messages of every shape, and `mailward serve` with only IMAP open.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO, otherListenersOff, startServeProcess } from '../serve-process.mjs';

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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function prepareServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-imap-fuzz-'));
  const cli = (args, input) => execFileSync(process.execPath, [BIN, '--data', dataDir, ...args], { encoding: 'utf8', input, env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' } });
  cli(['domain', 'add', 'example.test']);
  for (const address of FUZZ_USERS) cli(['user', 'add', address, '--password-stdin'], `${FUZZ_PASSWORD}\n`);
  const { openApp, createLogger } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const config = loadConfig({ env: {} });
  const app = await openApp({ dataDir, config, logger: createLogger({ level: 'warn' }), env: {} });
  try {
    for (const address of FUZZ_USERS) {
      const account = await app.accounts.getUser(address);
      for (const raw of seedMessages(20)) await app.mail.deliver({ raw, targets: [{ accountId: account.id }] });
    }
  } finally {
    await app.close();
  }
  const port = await freePort();
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_LISTENERS_IMAP_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_IMAP_PORT: String(port),
    MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: '1000',
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_IP: '1000',
    ...otherListenersOff(['imap']),
  };
  const serve = await startServeProcess({ dataDir, env, port, collectable: true });
  return {
    port,
    dataDir,
    serve,
    maxMessageBytes: config.smtp.max_message_bytes,
    stop: async () => {
      await serve.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
