// imapflow (a client written by others) against Mailward's mailbox commands: list, create, rename, delete, status, append, quota.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const MESSAGE = 'From: Carol <carol@example.net>\r\nTo: alice@example.test\r\nSubject: imapflow append\r\n\r\nHello from imapflow.\r\n';

describe('imapflow against Mailward mailboxes', () => {
  let t: IMAPTestServer;
  let client: ImapFlow;
  beforeAll(async () => {
    t = await startIMAPTestServer();
    await t.app.mailboxes.create(t.accounts.get(BOB)!, 'Bob Private');
    // Implicit TLS, as a real client is set up; the test server's certificate is self-signed.
    client = new ImapFlow({ host: '127.0.0.1', port: t.imapsPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: ALICE, pass: passwordOf(ALICE) }, logger: false });
    await client.connect();
  });
  afterAll(async () => {
    await client.logout().catch(() => undefined);
    await t.close();
  });

  it('lists the default mailboxes with their special use and none of another user', async () => {
    const boxes = await client.list();
    const byPath = new Map(boxes.map((b) => [b.path, b]));
    expect([...byPath.keys()]).toEqual(expect.arrayContaining(['INBOX', 'Drafts', 'Sent', 'Trash', 'Junk', 'Archive']));
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Drafts')?.specialUse).toBe('\\Drafts');
    expect(byPath.get('INBOX')?.delimiter).toBe('/');
    expect([...byPath.keys()].some((p) => p.includes('Bob'))).toBe(false);
  });

  it('creates, renames and deletes mailboxes, non-ASCII names included', async () => {
    const created = await client.mailboxCreate(['Projekte', 'Entwürfe']);
    expect(created.created).toBe(true);
    expect(created.path).toBe('Projekte/Entwürfe');
    const renamed = await client.mailboxRename('Projekte/Entwürfe', 'Projekte/Fertig');
    expect(renamed.newPath).toBe('Projekte/Fertig');
    const paths = (await client.list()).map((b) => b.path);
    expect(paths).toEqual(expect.arrayContaining(['Projekte', 'Projekte/Fertig']));
    expect(paths).not.toContain('Projekte/Entwürfe');
    expect((await client.mailboxDelete('Projekte/Fertig')).path).toBe('Projekte/Fertig');
    expect((await client.list()).map((b) => b.path)).not.toContain('Projekte/Fertig');
    await expect(client.mailboxDelete('INBOX')).rejects.toThrow();
  });

  it('appends (APPENDUID) and reads the counts back with STATUS', async () => {
    await client.mailboxCreate('Inbound');
    const appended = await client.append('Inbound', MESSAGE, ['\\Seen'], new Date('2024-03-01T10:00:00Z'));
    expect(appended).toMatchObject({ destination: 'Inbound', uid: 1 });
    expect(appended && appended.uidValidity).toBeGreaterThan(0n);
    await client.append('Inbound', MESSAGE);
    const status = await client.status('Inbound', { messages: true, unseen: true, uidNext: true, uidValidity: true, highestModseq: true });
    if (!status) throw new Error('STATUS failed');
    expect(status).toMatchObject({ path: 'Inbound', messages: 2, unseen: 1, uidNext: 3 });
    expect(status.highestModseq).toBeGreaterThan(0n);
    await expect(client.append('Nowhere', MESSAGE)).rejects.toThrow();
  });

  it('reads the quota', async () => {
    const none = await client.getQuota('INBOX');
    expect(none).toMatchObject({ path: 'INBOX' });
    expect(none && 'storage' in none).toBe(false);
    await t.app.store.accounts.update(t.accounts.get(ALICE)!, { quota_bytes: 5 * 1024 * 1024 });
    const quota = await client.getQuota('INBOX');
    expect(quota && quota.storage).toMatchObject({ limit: 5 * 1024 * 1024 });
    expect(quota && quota.storage?.usage).toBeGreaterThan(0);
  });
});
