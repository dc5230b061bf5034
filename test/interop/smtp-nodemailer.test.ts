// nodemailer against a real `mailward serve`: submission with STARTTLS (AUTH PLAIN and LOGIN), SMTPS, the stored bytes, the Sent copy and the outbound queue.
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli.js';
import type { MailServer, StoredMail } from '../support/mail-server.js';
import { addedFields, passwordOf, startMailServer, stopMailServer } from '../support/mail-server.js';

let server: MailServer;

beforeAll(async () => {
  assertBuilt();
  server = await startMailServer({
    users: ['alice@example.test', 'bob@example.test', 'carol@example.test'],
    aliases: [['caroline@example.test', 'carol@example.test']],
  });
});

afterAll(() => stopMailServer(server));

function transport(options: { port: number; secure?: boolean; authMethod?: 'PLAIN' | 'LOGIN'; user?: string; pass?: string }) {
  const user = options.user ?? 'alice@example.test';
  const smtp: SMTPTransport.Options = {
    host: '127.0.0.1',
    port: options.port,
    secure: options.secure ?? false,
    // Submission without TLS must fail rather than fall back to plain text.
    requireTLS: !options.secure,
    // The server's certificate is self-signed; what is checked here is what happens after the handshake.
    tls: { rejectUnauthorized: false },
    auth: { user, pass: options.pass ?? passwordOf(user) },
    ...(options.authMethod ? { authMethod: options.authMethod } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  };
  return nodemailer.createTransport(smtp);
}

const token = (): string => randomBytes(6).toString('hex');

function find(messages: StoredMail[], t: string): StoredMail {
  const found = messages.filter((m) => m.raw.includes(t));
  expect(found, `exactly one stored message with ${t}`).toHaveLength(1);
  return found[0]!;
}

describe.concurrent('nodemailer against mailward serve', () => {
  it('STARTTLS + AUTH PLAIN: the local recipient gets the exact bytes with Received (ESMTPSA), Date and Message-ID added; Sent has a \\Seen copy; the remote recipient is queued', async () => {
    const t = token();
    // No Date and no Message-ID: the submission server adds them (RFC 6409 §8.2, §8.3).
    const raw =
      `From: Alice <alice@example.test>\r\nTo: bob@example.test, carol@remote.example\r\nSubject: plain ${t}\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n` +
      `Grüße ${t}\r\n.a line that starts with a dot\r\n\r\nend\r\n`;
    const smtp = transport({ port: server.ports.submission, authMethod: 'PLAIN' });
    const info = await smtp.sendMail({ envelope: { from: 'alice@example.test', to: ['bob@example.test', 'carol@remote.example'] }, raw });
    smtp.close();
    expect(info.response).toMatch(/^250 2\.\d\.\d /);
    expect(info.accepted).toEqual(['bob@example.test', 'carol@remote.example']);

    const inbox = find(server.messages('bob@example.test'), t);
    const added = addedFields(inbox.raw, Buffer.from(raw, 'utf8'));
    expect(added.received).toHaveLength(1);
    expect(added.received[0]).toMatch(/^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby mx\.example\.test \(Mailward\) with ESMTPSA \(version=TLSv1\.[23] cipher=\S+\) id \w+;\r\n\t\w{3}, \d\d \w{3} \d{4} /);
    expect(added.other.filter((f) => /^Date:/i.test(f))).toEqual([expect.stringMatching(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n$/)]);
    expect(added.other.filter((f) => /^Message-ID:/i.test(f))).toEqual([expect.stringMatching(/^Message-ID: <[0-9a-f]+@mx\.example\.test>\r\n$/)]);
    expect(inbox.seen).toBe(false);
    expect(inbox.messageId).toMatch(/@mx\.example\.test>$/);

    // The Sent copy is the same stored message (same blob), already read.
    const sent = find(server.messages('alice@example.test', { specialUse: 'Sent' }), t);
    expect(sent.seen).toBe(true);
    expect(sent.blobId).toBe(inbox.blobId);
    // The sender's own INBOX gets no copy (a bounce for the remote recipient could name the token, so compare blobs).
    expect(server.messages('alice@example.test').some((m) => m.blobId === sent.blobId)).toBe(false);
    expect(server.queue().filter((r) => r.recipient === 'carol@remote.example' && r.blob_id === sent.blobId)).toHaveLength(1);
  });

  it('STARTTLS + AUTH PLAIN: the remote recipient gets one queue row with the stored message and the envelope sender', async () => {
    const t = token();
    const raw = `From: alice@example.test\r\nTo: dora@remote.example\r\nSubject: remote ${t}\r\n\r\nbody ${t}\r\n`;
    const smtp = transport({ port: server.ports.submission, authMethod: 'PLAIN' });
    const info = await smtp.sendMail({ envelope: { from: 'alice@example.test', to: ['dora@remote.example', 'bob@example.test'] }, raw });
    smtp.close();
    expect(info.response).toMatch(/^250 /);
    const sent = find(server.messages('alice@example.test', { specialUse: 'Sent' }), t);
    const rows = server.queue().filter((r) => r.recipient === 'dora@remote.example');
    expect(rows).toEqual([expect.objectContaining({ mail_from: 'alice@example.test', domain: 'remote.example', blob_id: sent.blobId })]);
    expect(find(server.messages('bob@example.test'), t).blobId).toBe(sent.blobId);
  });

  it('STARTTLS + AUTH LOGIN: a message nodemailer composed (HTML, attachment, UTF-8 subject) arrives byte for byte, keeping its own Date and Message-ID', async () => {
    const t = token();
    const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const composed = await composer.sendMail({
      from: 'Alice <alice@example.test>',
      to: 'bob@example.test',
      subject: `Ünïcödé ${t} ✓`,
      text: `text ${t}\n`,
      html: `<p>html ${t}</p>`,
      attachments: [{ filename: 'data.bin', content: randomBytes(3000) }],
    });
    const raw = composed.message as Buffer;
    const smtp = transport({ port: server.ports.submission, authMethod: 'LOGIN' });
    const info = await smtp.sendMail({ envelope: { from: 'alice@example.test', to: ['bob@example.test'] }, raw });
    smtp.close();
    expect(info.response).toMatch(/^250 /);

    const stored = find(server.messages('bob@example.test'), t);
    const added = addedFields(stored.raw, raw);
    expect(added.received).toEqual([expect.stringMatching(/ with ESMTPSA /)]);
    // Date and Message-ID were there already: nothing else is added.
    expect(added.other.filter((f) => /^(Date|Message-ID):/i.test(f))).toEqual([]);
    expect(stored.messageId).toBe(composed.messageId);
    expect(stored.subject).toBe(`Ünïcödé ${t} ✓`);
  });

  it('SMTPS (implicit TLS, secure: true) + AUTH PLAIN delivers with ESMTPSA', async () => {
    const t = token();
    const raw = `From: alice@example.test\r\nTo: carol@example.test\r\nSubject: smtps ${t}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${t}@client.example>\r\n\r\nbody ${t}\r\n`;
    const smtp = transport({ port: server.ports.smtps, secure: true, authMethod: 'PLAIN' });
    const info = await smtp.sendMail({ envelope: { from: 'alice@example.test', to: ['carol@example.test'] }, raw });
    smtp.close();
    expect(info.response).toMatch(/^250 /);
    const stored = find(server.messages('carol@example.test'), t);
    const added = addedFields(stored.raw, Buffer.from(raw));
    expect(added.received).toEqual([expect.stringMatching(/ with ESMTPSA \(version=TLSv1\.[23] /)]);
    expect(stored.messageId).toBe(`<${t}@client.example>`);
  });

  it('a wrong password is refused with 535 5.7.8 and nothing is sent', async () => {
    const smtp = transport({ port: server.ports.submission, authMethod: 'PLAIN', user: 'carol@example.test', pass: 'Wrong-Password-4242' });
    await expect(smtp.sendMail({ envelope: { from: 'carol@example.test', to: ['bob@example.test'] }, raw: 'Subject: x\r\n\r\nx\r\n' })).rejects.toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
      response: expect.stringMatching(/^535 5\.7\.8 /),
    });
    smtp.close();
  });

  it('an account named twice in one envelope (its address and an alias) gets one copy, on the MX and on submission', async () => {
    const t = token();
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, ignoreTLS: true });
    const raw = `From: someone@remote.example\r\nTo: carol@example.test, caroline@example.test\r\nSubject: twice ${t}\r\n\r\nbody\r\n`;
    const info = await mx.sendMail({ envelope: { from: 'someone@remote.example', to: ['carol@example.test', 'caroline@example.test'] }, raw });
    mx.close();
    expect(info.accepted).toEqual(['carol@example.test', 'caroline@example.test']);
    expect(server.messages('carol@example.test').filter((m) => m.raw.includes(t))).toHaveLength(1);

    const t2 = token();
    const smtp = transport({ port: server.ports.submission, authMethod: 'PLAIN' });
    await smtp.sendMail({ envelope: { from: 'alice@example.test', to: ['caroline@example.test', 'carol@example.test'] }, raw: `From: alice@example.test\r\nSubject: twice ${t2}\r\n\r\nbody\r\n` });
    smtp.close();
    expect(server.messages('carol@example.test').filter((m) => m.raw.includes(t2))).toHaveLength(1);
    expect(server.messages('alice@example.test', { specialUse: 'Sent' }).filter((m) => m.raw.includes(t2))).toHaveLength(1);
  });

  it('without requireTLS nodemailer still upgrades (AUTH is only offered after STARTTLS) and sends', async () => {
    const t = token();
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.ports.submission,
      tls: { rejectUnauthorized: false },
      auth: { user: 'bob@example.test', pass: passwordOf('bob@example.test') },
    });
    const info = await smtp.sendMail({ from: 'bob@example.test', to: 'carol@example.test', subject: `opportunistic ${t}`, text: t });
    smtp.close();
    expect(info.response).toMatch(/^250 /);
    expect(find(server.messages('carol@example.test'), t).raw.toString('latin1')).toMatch(/ with ESMTPSA \(version=TLS/);
  });
});
