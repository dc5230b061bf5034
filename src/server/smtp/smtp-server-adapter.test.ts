// The adapter over a real smtp-server and real sockets: fails when an upgrade of smtp-server changes what it relies on.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { WireClient } from '../../../test/support/smtp-wire.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { smtpError } from './smtp-replies.js';
import { connectionOf, endIdleConnections, handOver, isConnectionGone, keepOwnEnhancedCodes, onReplies, shutDown, whileRunning } from './smtp-server-adapter.js';

const servers: SMTPServer[] = [];
const listeners: net.Server[] = [];

afterEach(async () => {
  WireClient.destroyAll();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  for (const listener of listeners.splice(0)) listener.close();
});

/** A server that never listens itself: a listener of ours accepts and hands every socket over, as the doors run it. */
async function startHandedOver(options: Partial<SMTPServerOptions>): Promise<{ server: SMTPServer; listener: net.Server; port: number }> {
  const ref: { server?: SMTPServer } = {};
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideENHANCEDSTATUSCODES: false,
    closeTimeout: 5_000,
    onConnect: (session, callback) => {
      keepOwnEnhancedCodes(ref.server!, session);
      callback();
    },
    ...options,
  });
  ref.server = server;
  servers.push(server);
  const listener = net.createServer((socket) => handOver(server, socket));
  listeners.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  return { server, listener, port: (listener.address() as AddressInfo).port };
}

/** A plain-text server with enhanced status codes on, as the doors run it, plus `options`. */
async function start(options: Partial<SMTPServerOptions>): Promise<{ server: SMTPServer; port: number; sessions: SMTPServerSession[] }> {
  const sessions: SMTPServerSession[] = [];
  const ref: { server?: SMTPServer } = {};
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    hideENHANCEDSTATUSCODES: false,
    closeTimeout: 5_000,
    onConnect: (session, callback) => {
      sessions.push(session);
      keepOwnEnhancedCodes(ref.server!, session);
      callback();
    },
    ...options,
  });
  ref.server = server;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.server.address() as AddressInfo).port, sessions };
}

async function greeted(port: number): Promise<WireClient> {
  const client = await WireClient.connect(port);
  expect((await client.reply()).code).toBe(220);
  expect((await client.command('EHLO client.example')).code).toBe(250);
  return client;
}

describe('keepOwnEnhancedCodes', () => {
  it("sends a handler's enhanced code as given, and smtp-server's own for every other reply", async () => {
    const { port } = await start({
      onMailFrom: (_address, _session, callback) => callback(smtpError({ code: 550, enhanced: '5.7.1', text: 'Delivery not authorized' })),
    });
    const client = await greeted(port);
    expect(await client.command('MAIL FROM:<a@example.com>')).toMatchObject({ code: 550, text: '5.7.1 Delivery not authorized' });
    expect(await client.command('RCPT TO:<b@example.com>')).toMatchObject({ code: 503, text: expect.stringMatching(/^5\.5\.1 /) });
    expect(await client.command('NOOP')).toMatchObject({ code: 250, text: expect.stringMatching(/^2\.0\.0 /) });
  });

  it('finds the connection of a session in the public connections set', async () => {
    const { server, port, sessions } = await start({});
    await greeted(port);
    const [session] = sessions;
    const connection = connectionOf(server, session!);
    expect(connection).toBeDefined();
    expect(typeof connection!.send).toBe('function');
    expect(typeof connection!.close).toBe('function');
  });
});

describe('endIdleConnections', () => {
  it('ends an idle connection with the reply, and lets one in the middle of a message finish it', async () => {
    const { server, port } = await start({
      onData: whileRunning((stream: SMTPServerDataStream, _session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) => {
        stream.resume();
        stream.on('end', () => callback(null, 'Message accepted'));
      }),
    });
    const idle = await greeted(port);
    const busy = await greeted(port);
    expect((await busy.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<b@example.com>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('Subject: half\r\n\r\nfirst half, ');

    endIdleConnections(server, '4.3.2 Server shutting down');
    expect(await idle.reply()).toMatchObject({ code: 421, text: '4.3.2 Server shutting down' });
    expect(await idle.waitClosed()).toBe(true);

    busy.write('second half\r\n.\r\n');
    expect(await busy.reply()).toMatchObject({ code: 250 });
    // Between messages the same connection is idle again.
    endIdleConnections(server, '4.3.2 Server shutting down');
    expect((await busy.reply()).code).toBe(421);
  });
});

describe('whileRunning', () => {
  it('marks the session busy until the handler calls back, passing the arguments through, and counts a second callback once', () => {
    const session = {} as SMTPServerSession;
    const replies: number[] = [];
    const connection = { session, send: (code: number) => replies.push(code), close: () => undefined };
    const server = { connections: new Set([connection]) } as unknown as SMTPServer;
    const held: Array<(error: Error | null, text?: string) => void> = [];
    const wrapped = whileRunning((_subject: string, _session: SMTPServerSession, callback: (error: Error | null, text?: string) => void) => {
      held.push(callback);
    });
    const calls: unknown[][] = [];
    wrapped('x', session, (...args) => calls.push(args));
    endIdleConnections(server, '4.3.2 Server shutting down');
    expect(replies).toEqual([]);
    held[0]!(null, 'done');
    held[0]!(null, 'again');
    expect(calls).toEqual([
      [null, 'done'],
      [null, 'again'],
    ]);
    endIdleConnections(server, '4.3.2 Server shutting down');
    expect(replies).toEqual([421]);
    // A callback called twice must not leave the count below zero: the next handler makes it busy again.
    wrapped('y', session, () => undefined);
    endIdleConnections(server, '4.3.2 Server shutting down');
    expect(replies).toEqual([421]);
  });
});

describe('handOver', () => {
  it('gives smtp-server a socket our listener accepted: greeting, commands and QUIT as usual', async () => {
    const { port } = await startHandedOver({});
    const client = await greeted(port);
    expect(await client.command('NOOP')).toMatchObject({ code: 250 });
    expect(await client.command('QUIT')).toMatchObject({ code: 221 });
    expect(await client.waitClosed()).toBe(true);
  });

  it('runs the implicit TLS handshake of an SMTPS server on the handed socket', async () => {
    const { port } = await startHandedOver({ secure: true });
    const client = await WireClient.connect(port, { implicitTLS: true });
    expect((await client.reply()).code).toBe(220);
    expect(await client.command('EHLO client.example')).toMatchObject({ code: 250 });
  });
});

describe('shutDown', () => {
  it('ends idle connections at once, lets a busy one finish its message, and the listener closes when the last socket is gone', async () => {
    const { server, listener, port } = await startHandedOver({
      onData: whileRunning((stream: SMTPServerDataStream, _session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) => {
        stream.resume();
        stream.on('end', () => callback(null, 'Message accepted'));
      }),
    });
    const idle = await greeted(port);
    const busy = await greeted(port);
    expect((await busy.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<b@example.com>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('Subject: half\r\n\r\nfirst half, ');

    let closed = false;
    listener.close(() => {
      closed = true;
    });
    const stop = shutDown(server, { graceMs: 5_000 });
    expect(await idle.reply()).toMatchObject({ code: 421, text: '4.3.2 Server shutting down' });
    expect(await idle.waitClosed()).toBe(true);
    busy.write('second half\r\n.\r\n');
    expect(await busy.reply()).toMatchObject({ code: 250 });
    expect(await busy.reply()).toMatchObject({ code: 421 });
    expect(await busy.waitClosed()).toBe(true);
    await waitFor(() => closed, { what: 'the listener to close' });
    stop();
  });

  it('ends a busy connection too once the grace period is over', async () => {
    const { server, port } = await startHandedOver({
      // A verdict that never comes: the connection stays busy.
      onData: whileRunning((stream: SMTPServerDataStream) => {
        stream.resume();
      }),
    });
    const busy = await greeted(port);
    expect((await busy.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect((await busy.command('RCPT TO:<b@example.com>')).code).toBe(250);
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('Subject: stuck\r\n\r\nbody\r\n.\r\n');
    const stop = shutDown(server, { graceMs: 300 });
    expect(await busy.reply()).toMatchObject({ code: 421, text: '4.3.2 Server shutting down' });
    expect(await busy.waitClosed()).toBe(true);
    stop();
  });
});

describe('onReplies', () => {
  it('hears the code of every reply, the greeting first, after keepOwnEnhancedCodes has shaped it', async () => {
    const codes: number[] = [];
    const { port } = await start({
      onConnect: (session, callback) => {
        keepOwnEnhancedCodes(servers.at(-1)!, session);
        expect(onReplies(servers.at(-1)!, session, (code) => codes.push(code))).toBe(true);
        callback();
      },
      onMailFrom: (_address, _session, callback) => callback(smtpError({ code: 550, enhanced: '5.7.1', text: 'Delivery not authorized' })),
    });
    const client = await greeted(port);
    expect(await client.command('MAIL FROM:<a@example.com>')).toMatchObject({ code: 550, text: '5.7.1 Delivery not authorized' });
    expect((await client.command('NOOP')).code).toBe(250);
    expect((await client.command('QUIT')).code).toBe(221);
    expect(codes).toEqual([220, 250, 550, 250, 221]);
  });

  it('hears 354 when a message starts and the final reply when it is over', async () => {
    const codes: number[] = [];
    const { port } = await start({
      onConnect: (session, callback) => {
        onReplies(servers.at(-1)!, session, (code) => codes.push(code));
        callback();
      },
    });
    const client = await greeted(port);
    await client.command('MAIL FROM:<a@example.com>');
    await client.command('RCPT TO:<b@example.com>');
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: x\r\n\r\nbody\r\n.\r\n');
    expect((await client.reply()).code).toBe(250);
    expect(codes).toEqual([220, 250, 250, 250, 354, 250]);
  });
});

describe('isConnectionGone', () => {
  it('recognises the error of a message stream whose client left in the middle of it', async () => {
    const errors: unknown[] = [];
    const { port } = await start({
      onData: (stream: SMTPServerDataStream) => {
        stream.on('error', (error) => errors.push(error));
        stream.resume();
      },
    });
    const client = await greeted(port);
    await client.command('MAIL FROM:<a@example.com>');
    await client.command('RCPT TO:<b@example.com>');
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: half\r\n\r\nfirst half');
    await client.flushed();
    client.destroy();
    await waitFor(() => errors.length > 0, { what: 'the stream to fail' });
    expect(isConnectionGone(errors[0])).toBe(true);
    expect(isConnectionGone(new Error('disk full'))).toBe(false);
    expect(isConnectionGone(undefined)).toBe(false);
  });
});
