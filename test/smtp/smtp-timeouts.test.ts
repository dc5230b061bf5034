// SMTP time limits on a real `mailward serve` with short settings: idle and slow-loris clients are cut with 421 4.4.2, a sender that keeps up is not.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { MailServer } from '../support/mail-server.js';
import { eventually, startMailServer } from '../support/mail-server.js';
import type { WireReply } from '../support/smtp-wire.js';
import { WireClient } from '../support/smtp-wire.js';

const ALICE = 'alice@example.test';
let server: MailServer;
let loaded: MailServer;

beforeAll(async () => {
  assertBuilt();
  [server, loaded] = await Promise.all([
    startMailServer({
      users: [ALICE],
      env: {
        MAILWARD_SMTP_COMMAND_TIMEOUT_SECONDS: '2',
        MAILWARD_SMTP_DATA_TIMEOUT_SECONDS: '2',
        MAILWARD_SMTP_MIN_DATA_RATE_BYTES_PER_SECOND: '1000',
        MAILWARD_SMTP_PROGRESS_TIMEOUT_SECONDS: '4',
      },
    }),
    // The usual wait for a command is long here; only load makes it short.
    startMailServer({
      users: [ALICE],
      env: { MAILWARD_SMTP_MAX_CLIENTS: '10', MAILWARD_SMTP_COMMAND_TIMEOUT_SECONDS: '60', MAILWARD_SMTP_COMMAND_TIMEOUT_UNDER_LOAD_SECONDS: '1' },
    }),
  ]);
});

afterEach(() => {
  WireClient.destroyAll();
});

afterAll(async () => {
  try {
    await Promise.all([server?.stop(), loaded?.stop()]);
  } finally {
    await killAllServes();
    removeTempDataDirs();
  }
});

async function greeted(port = server.ports.smtp): Promise<WireClient> {
  const client = await WireClient.connect(port);
  expect((await client.reply()).code).toBe(220);
  return client;
}

/** Writes `byte` every `everyMs` until the server closes the connection; returns the reply that came meanwhile. */
async function drip(client: WireClient, byte: string, everyMs: number): Promise<WireReply> {
  const reply = client.reply({ timeoutMs: 15_000 });
  const timer = setInterval(() => {
    if (!client.closed) client.write(byte);
  }, everyMs);
  try {
    return await reply;
  } finally {
    clearInterval(timer);
  }
}

async function inData(client: WireClient): Promise<void> {
  expect((await client.command('EHLO slow.example')).code).toBe(250);
  expect((await client.command('MAIL FROM:<sender@remote.example>')).code).toBe(250);
  expect((await client.command(`RCPT TO:<${ALICE}>`)).code).toBe(250);
  expect((await client.command('DATA')).code).toBe(354);
}

describe('SMTP time limits', () => {
  it('closes a connection that sends no command with 421 4.4.2', async () => {
    const client = await greeted();
    const started = Date.now();
    expect(await client.reply({ timeoutMs: 10_000 })).toEqual({ code: 421, lines: expect.any(Array), text: '4.4.2 mx.example.test Timeout waiting for a command, closing connection' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(await client.waitClosed()).toBe(true);
  });

  it('does not let a command that trickles in a byte at a time hold the connection', async () => {
    const client = await greeted();
    // Never a line end: every byte resets an idle timer, none completes a command.
    const reply = await drip(client, 'X', 200);
    expect(reply).toMatchObject({ code: 421, text: '4.4.2 mx.example.test Timeout waiting for a command, closing connection' });
    expect(await client.waitClosed()).toBe(true);
  });

  it('closes a message that stops arriving, and one that drips in below the minimum rate; neither is stored', async () => {
    const before = server.messages(ALICE).length;
    const stalled = await greeted();
    await inData(stalled);
    stalled.write('Subject: stalled\r\n\r\n');
    expect(await stalled.reply({ timeoutMs: 10_000 })).toMatchObject({ code: 421, text: '4.4.2 mx.example.test Timeout waiting for message data, closing connection' });

    const dripping = await greeted();
    await inData(dripping);
    // Five bytes a second: never a pause, far below 1000 bytes a second.
    const reply = await drip(dripping, 'x', 200);
    expect(reply).toMatchObject({ code: 421, text: '4.4.2 mx.example.test Timeout: message data arriving too slowly, closing connection' });
    expect(await dripping.waitClosed()).toBe(true);
    expect(server.messages(ALICE)).toHaveLength(before);
  });

  it('delivers a message that comes in pieces quickly enough, across more than the pause limit in all', async () => {
    const token = randomBytes(6).toString('hex');
    const client = await greeted();
    await inData(client);
    client.write(`Subject: pieces ${token}\r\n\r\n`);
    // 3 seconds in all (past the 2-second limits), 4 KiB every 500 ms: about 8 KB a second.
    for (let i = 0; i < 6; i++) {
      client.write(`${'y'.repeat(4094)}\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    client.write('.\r\n');
    expect((await client.reply()).code).toBe(250);
    await eventually(() => server.messages(ALICE).find((m) => m.subject === `pieces ${token}`), { what: 'the message stored' });
    await client.quit();
  });

  it('closes a session that only keeps the server busy (NOOP after NOOP) once the progress limit is over', async () => {
    const client = await greeted();
    const noops = setInterval(() => {
      if (!client.closed) client.send('NOOP');
    }, 300);
    try {
      let reply: WireReply;
      do reply = await client.reply({ timeoutMs: 10_000 });
      while (reply.code === 250);
      expect(reply).toMatchObject({ code: 421, text: '4.4.2 mx.example.test Timeout: too long without sending mail, closing connection' });
    } finally {
      clearInterval(noops);
    }
  });

  it('under load (80% of max_clients), waits for a command only the shorter time', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => greeted(loaded.ports.smtp)));
    const started = Date.now();
    for (const client of clients) {
      expect(await client.reply({ timeoutMs: 20_000 })).toMatchObject({ code: 421, text: '4.4.2 mx.example.test Timeout waiting for a command, closing connection' });
    }
    // Long before the 60 seconds of the usual wait.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('logged no error through all of it, no warning for a cut-off client, and wrote nothing to stderr', () => {
    for (const s of [server, loaded]) {
      expect(s.serve.logs.filter((line) => line.level >= 40)).toEqual([]);
      expect(s.serve.stderr()).toBe('');
    }
  });
});
