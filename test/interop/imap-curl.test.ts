// curl's IMAP client against Mailward: list, examine, fetch by UID, search, upload (APPEND), over STARTTLS-less loopback and implicit TLS.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDataDirs, tempDataDir } from '../support/cli.js';
import type { CurlResult } from '../support/curl.js';
import { runCurl } from '../support/curl.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';
const MESSAGE = Buffer.from('From: Carol <carol@example.net>\r\nTo: alice@example.test\r\nSubject: curl fetch\r\nMessage-ID: <curl-1@example.net>\r\n\r\nHello from the lake.\r\n');

function curl(args: string[]): Promise<CurlResult> {
  return runCurl(ALICE, passwordOf(ALICE), args);
}

describe('curl IMAP against Mailward', () => {
  let t: IMAPTestServer;
  let base: string;
  beforeAll(async () => {
    t = await startIMAPTestServer();
    await t.app.mail.deliver({ raw: MESSAGE, targets: [{ accountId: t.accounts.get(ALICE)! }] });
    base = `imap://127.0.0.1:${t.imapPort}`;
  });
  afterAll(async () => {
    await t.close();
    removeTempDataDirs();
  });

  it('lists the mailboxes with their special-use folders', async () => {
    const result = await curl([`${base}/`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\* LIST \([^)]*\) "\/" INBOX/);
    expect(result.stdout).toMatch(/\\Sent[^\r\n]*Sent/);
  });

  it('fetches a message by UID byte for byte, over plain loopback and over implicit TLS', async () => {
    const plain = await curl([`${base}/INBOX;UID=1`]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(Buffer.from(plain.stdout, 'latin1').equals(MESSAGE)).toBe(true);
    const secure = await curl(['--insecure', `imaps://127.0.0.1:${t.imapsPort}/INBOX;UID=1`]);
    expect(secure.code, secure.stderr).toBe(0);
    expect(Buffer.from(secure.stdout, 'latin1').equals(MESSAGE)).toBe(true);
  });

  it('searches and examines with custom requests', async () => {
    const search = await curl([`${base}/INBOX?SUBJECT%20curl`]);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toMatch(/\* SEARCH 1/);
    const examine = await curl(['--request', 'EXAMINE INBOX', `${base}/`]);
    expect(examine.stdout).toMatch(/\* 1 EXISTS/);
  });

  it('uploads a message with APPEND and reads it back', async () => {
    const dir = tempDataDir('mailward-curl-');
    const file = path.join(dir, 'upload.eml');
    const upload = Buffer.from('From: alice@example.test\r\nSubject: uploaded by curl\r\n\r\ndraft body\r\n');
    fs.writeFileSync(file, upload);
    const put = await curl(['--upload-file', file, `${base}/Drafts`]);
    expect(put.code, put.stderr).toBe(0);
    const get = await curl([`${base}/Drafts;UID=1`]);
    expect(Buffer.from(get.stdout, 'latin1').equals(upload)).toBe(true);
  });

  it('refuses a wrong password with an error exit', async () => {
    const result = await runCurl(ALICE, 'wrong-password', [`${base}/INBOX;UID=1`]);
    // curl exits 67 when the login was denied.
    expect(result.code).toBe(67);
  });
});
