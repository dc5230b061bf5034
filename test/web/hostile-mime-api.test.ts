// Hostile MIME delivered over real SMTP to a real `mailward serve`: the webmail answers each message with what it can show and says what it left out, agrees with IMAP on its parts, serves the original byte for byte, and logs no stack.
import { ImapFlow } from 'imapflow';
import type { MessageStructureObject } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MIME_PARTS } from '../../src/mailbox/mime/index.js';
import { APIClient } from '../support/api-client.js';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import { deeplyNested, malformed, manyParts } from '../support/hostile-mime.js';
import type { MailServer } from '../support/mail-server.js';
import { eventually, passwordOf, startMailServer } from '../support/mail-server.js';
import { WireClient, wireDeliver } from '../support/smtp-wire.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

interface Attachment {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}
interface Message {
  subject: string;
  text: string;
  html: string | null;
  attachments: Attachment[];
  partCount: number;
  partial: { reasons: string[]; notShown: number } | null;
}

let server: MailServer;
let base: string;
let alice: APIClient;
let imap: ImapFlow;

/** Leaf parts of an IMAP BODYSTRUCTURE: what a mail client lists. */
function leaves(node: MessageStructureObject): number {
  return node.childNodes && node.childNodes.length > 0 ? node.childNodes.reduce((sum, child) => sum + leaves(child), 0) : 1;
}

/** Delivers over SMTP and answers the UID the message got in Alice's INBOX. */
async function deliver(raw: Buffer, subject: string): Promise<number> {
  const { final } = await wireDeliver(server.ports.smtp, { from: 'mallory@remote.example', to: [ALICE], data: raw });
  expect(final.code, final.text).toBe(250);
  const stored = server.messages(ALICE).find((m) => m.subject === subject);
  expect(stored, subject).toBeDefined();
  return stored!.uid;
}

async function read(uid: number): Promise<Message> {
  const response = await alice.call<Message>('GET', `/api/v1/mail/folders/INBOX/messages/${uid}?peek=true`);
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
  return response.body;
}

/** A GET of bytes as the browser of `client` makes it (cookie and all), or with no session at all. */
async function download(path: string, client: APIClient | null = alice): Promise<Response> {
  return fetch(`${base}${path}`, { headers: client ? { cookie: `mw_session=${client.cookies.get('mw_session')}` } : {} });
}

/** IMAP's view of the message: its leaf parts and its bytes. */
async function imapView(uid: number): Promise<{ parts: number; source: Buffer }> {
  // Opened again each time, so the mailbox view knows the message just delivered.
  await imap.mailboxOpen('INBOX');
  const message = await imap.fetchOne(String(uid), { bodyStructure: true, source: true }, { uid: true });
  if (!message) throw new Error(`IMAP has no UID ${uid}`);
  return { parts: leaves(message.bodyStructure!), source: message.source! };
}

/** Reads the message through the API and checks what both doors must agree on; answers the view. */
async function readAndCompare(uid: number): Promise<Message> {
  const message = await read(uid);
  const view = await imapView(uid);
  expect(message.partCount).toBe(view.parts);
  const raw = await download(`/api/v1/mail/folders/INBOX/messages/${uid}/raw`);
  expect(raw.status).toBe(200);
  expect(raw.headers.get('content-type')).toBe('message/rfc822');
  const bytes = Buffer.from(await raw.arrayBuffer());
  expect(bytes.equals(view.source)).toBe(true);
  expect(bytes.equals(server.messages(ALICE).find((m) => m.uid === uid)!.raw)).toBe(true);
  return message;
}

beforeAll(async () => {
  assertBuilt();
  server = await startMailServer({
    users: [ALICE, BOB],
    env: { MAILWARD_LISTENERS_HTTP_ENABLED: 'true', MAILWARD_LISTENERS_IMAP_ENABLED: 'true', MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true' },
  });
  base = `http://127.0.0.1:${server.serve.listeners.http!.port}`;
  alice = new APIClient(base);
  expect((await alice.call('POST', '/api/v1/session', { address: ALICE, password: passwordOf(ALICE) })).status).toBe(200);
  imap = new ImapFlow({ host: '127.0.0.1', port: server.serve.listeners.imap!.port, secure: false, tls: { rejectUnauthorized: false }, auth: { user: ALICE, pass: passwordOf(ALICE) }, logger: false });
  await imap.connect();
}, 60_000);

afterAll(async () => {
  WireClient.destroyAll();
  await imap?.logout().catch(() => undefined);
  try {
    await server?.stop();
  } finally {
    await killAllServes();
    removeTempDataDirs();
  }
});

describe('hostile MIME in the webmail', () => {
  it('shows a message nested 300 levels deep down to the depth limit and says the rest is left out', async () => {
    const uid = await deliver(deeplyNested({ subject: 'Deep', to: ALICE, levels: 300 }), 'Deep');
    const message = await readAndCompare(uid);
    expect(message.subject).toBe('Deep');
    expect(message.text).toContain('Text of level 0');
    expect(message.partial).toEqual({ reasons: ['TOO_DEEP'], notShown: 1 });
    // Twenty levels of a text part and two files, less the text shown as the body; the deeper levels are one opaque part.
    expect(message.partCount).toBe(61);
    expect(message.attachments).toHaveLength(59);
    expect(message.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining(['level-0-a.bin', 'level-19-b.bin']));
    const file = await download(`/api/v1/mail/folders/INBOX/messages/${uid}/attachments/${message.attachments.findIndex((a) => a.filename === 'level-3-b.bin')}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 3]));
  });

  it('shows the first thousand of 5,000 parts, counts the ones left out and serves their files', async () => {
    const uid = await deliver(manyParts({ subject: 'Many', to: ALICE, parts: 5_000 }), 'Many');
    const message = await readAndCompare(uid);
    expect(message.text).toContain('The text of a message with many parts');
    expect(message.html).toContain('<b>HTML</b>');
    expect(message.partCount).toBe(MAX_MIME_PARTS);
    // The text, the HTML and 997 files are shown; the part cut at the limit and the 4,000 after it are not.
    expect(message.attachments).toHaveLength(MAX_MIME_PARTS - 3);
    expect(message.partial).toEqual({ reasons: ['TOO_MANY_PARTS'], notShown: 5_000 - (MAX_MIME_PARTS - 1) });
    expect(message.attachments[0]).toMatchObject({ index: 0, filename: 'file-2.csv', contentType: 'text/csv', size: 6 });
    const file = await download(`/api/v1/mail/folders/INBOX/messages/${uid}/attachments/10`);
    expect(await file.text()).toBe('row,12\n');
    expect((await download(`/api/v1/mail/folders/INBOX/messages/${uid}/attachments/${MAX_MIME_PARTS}`)).status).toBe(404);
  });

  it('answers every malformed message with a view, and the parts IMAP shows', async () => {
    const views = new Map<string, Message>();
    for (const { name, raw } of malformed({ subject: 'Broken', to: ALICE })) {
      const subject = raw.toString('latin1').match(/^Subject: (.*)$/m)![1]!.trim();
      views.set(name, await readAndCompare(await deliver(raw, subject)));
    }
    expect(views.get('truncated boundaries')!.text).toContain('Inner text, never closed');
    // Without a boundary the multipart cannot be split: one opaque part, as IMAP shows it.
    expect(views.get('a multipart without a boundary')).toMatchObject({ partCount: 1 });
    const garbage = views.get('garbage headers')!;
    expect(garbage.partial?.reasons).toEqual(['HEADER_TOO_LARGE']);
    expect(garbage.text).toContain('Text after garbage');
    expect(garbage.attachments.map((a) => a.filename)).toEqual(['odd.bin', 'big-header.txt']);
  });

  it('logs at most one warning line and no stack for a message shown in part', async () => {
    const uid = await deliver(deeplyNested({ subject: 'Deep again', to: ALICE, levels: 250 }), 'Deep again');
    const before = server.serve.logs.length;
    for (let i = 0; i < 3; i++) await read(uid);
    // Log lines reach this process through the child's stdout, a little after the answers.
    const warnings = await eventually(() => {
      const found = server.serve.logs.slice(before).filter((l) => l.level === 40);
      return found.length >= 3 ? found : undefined;
    });
    expect(warnings).toHaveLength(3);
    const lines = server.serve.logs.slice(before);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/stack|\n\s+at /);
    expect(warnings[0]).toMatchObject({ msg: 'message shown in part', reasons: ['TOO_DEEP'] });
  });

  it('serves the original to its owner only', async () => {
    const uid = server.messages(ALICE).find((m) => m.subject === 'Many')!.uid;
    const bob = new APIClient(base);
    expect((await bob.call('POST', '/api/v1/session', { address: BOB, password: passwordOf(BOB) })).status).toBe(200);
    expect(await (await download(`/api/v1/mail/folders/INBOX/messages/${uid}/raw`, bob)).json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await download(`/api/v1/mail/folders/INBOX/messages/${uid}/raw`, null)).status).toBe(401);
  });
});
