// Connection caps of the SMTP doors on a real `mailward serve`: one host (or one /24) holding idle connections cannot lock others out.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { MailServer } from '../support/mail-server.js';
import { eventually, startMailServer } from '../support/mail-server.js';
import { WireClient } from '../support/smtp-wire.js';
import { waitFor } from '../support/wait-for.js';

const MAX_CLIENTS = 12;
const PER_ADDRESS = 4;
const PER_NETWORK = 6;
const TRUSTED = '127.0.3.1';

let server: MailServer;

beforeAll(async () => {
  assertBuilt();
  server = await startMailServer({
    users: ['alice@example.test'],
    env: {
      MAILWARD_SMTP_MAX_CLIENTS: String(MAX_CLIENTS),
      MAILWARD_SMTP_MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS),
      MAILWARD_SMTP_MAX_CONNECTIONS_PER_NETWORK: String(PER_NETWORK),
      MAILWARD_SMTP_TRUSTED_RELAYS: TRUSTED,
    },
  });
});

afterEach(() => {
  WireClient.destroyAll();
});

afterAll(async () => {
  try {
    await server?.stop();
  } finally {
    await killAllServes();
    removeTempDataDirs();
  }
});

/** Opens `n` connections from `from` and reads each one's first reply (220, or the 421 of a refusal). */
async function open(n: number, from: string, options: { port?: number; implicitTLS?: boolean } = {}): Promise<Array<{ client: WireClient; code: number; text: string }>> {
  const out: Array<{ client: WireClient; code: number; text: string }> = [];
  for (let i = 0; i < n; i++) {
    const client = await WireClient.connect(options.port ?? server.ports.smtp, { localAddress: from, ...(options.implicitTLS ? { implicitTLS: true } : {}) });
    const first = await client.reply();
    out.push({ client, code: first.code, text: first.text });
  }
  return out;
}

/** Whether a new connection from `from` is greeted again: the server has seen the others close. */
async function greetedAgain(from: string, options: { port?: number; implicitTLS?: boolean } = {}): Promise<void> {
  await waitFor(
    async () => {
      const [probe] = await open(1, from, options);
      probe!.client.destroy();
      return probe!.code === 220;
    },
    { what: `a connection from ${from} greeted again`, interval: 50 },
  );
}

function warnings(key: string): unknown[] {
  return server.serve.logs.filter((line) => line.msg.startsWith('connection limit reached') && line.key === key);
}

describe('SMTP connection caps', () => {
  it('one address holding every slot idle: it gets its share, the rest 421 4.7.0, and another host still delivers a message', async () => {
    // As many idle connections as the listener takes in all: without a per-address cap they would fill it.
    const attacker = await open(MAX_CLIENTS, '127.0.0.2');
    expect(attacker.filter((c) => c.code === 220)).toHaveLength(PER_ADDRESS);
    const refused = attacker.filter((c) => c.code !== 220);
    expect(refused).toHaveLength(MAX_CLIENTS - PER_ADDRESS);
    for (const r of refused) {
      expect(r.code).toBe(421);
      expect(r.text).toBe('4.7.0 mx.example.test Too many connections from your address, try again later');
      expect(await r.client.waitClosed()).toBe(true);
    }

    // Another host, on another /24, delivers end to end with a real client while the idle ones stay open.
    const token = randomBytes(6).toString('hex');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.ports.smtp, localAddress: '127.0.1.5', secure: false, ignoreTLS: true });
    const info = await transport.sendMail({ from: 'sender@remote.example', to: 'alice@example.test', subject: `held ${token}`, text: 'still delivered' });
    transport.close();
    expect(info.accepted).toEqual(['alice@example.test']);
    await eventually(() => server.messages('alice@example.test').find((m) => m.subject === `held ${token}`), { what: 'the message in alice INBOX' });

    // Eight refusals, one warning.
    expect(warnings('127.0.0.2')).toHaveLength(1);
    for (const c of attacker) c.client.destroy();
    await greetedAgain('127.0.0.2');
  });

  it('adds up the addresses of one /24: past the network cap the next address is refused, another /24 is not', async () => {
    const held = [...(await open(3, '127.0.4.2')), ...(await open(3, '127.0.4.3'))];
    expect(held.map((c) => c.code)).toEqual(Array(PER_NETWORK).fill(220));
    const [neighbour] = await open(1, '127.0.4.4');
    expect(neighbour).toMatchObject({ code: 421, text: '4.7.0 mx.example.test Too many connections from your network, try again later' });
    const [elsewhere] = await open(1, '127.0.5.4');
    expect(elsewhere!.code).toBe(220);
    expect(await elsewhere!.client.command('EHLO elsewhere.example')).toMatchObject({ code: 250 });
    expect(warnings('127.0.4.0/24')).toHaveLength(1);
    for (const c of held) c.client.destroy();
    await greetedAgain('127.0.4.4');
  });

  it('lets a trusted relay hold more than the per-address cap', async () => {
    const relay = await open(PER_ADDRESS + 2, TRUSTED);
    expect(relay.map((c) => c.code)).toEqual(Array(PER_ADDRESS + 2).fill(220));
  });

  it('refuses past max_clients with 421 4.3.2, and still lets a trusted relay in', async () => {
    // Twelve from three networks, each within its caps: the listener is full.
    const held = [...(await open(4, '127.0.10.1')), ...(await open(4, '127.0.11.1')), ...(await open(4, '127.0.12.1'))];
    expect(held.map((c) => c.code)).toEqual(Array(MAX_CLIENTS).fill(220));
    const [late] = await open(1, '127.0.13.1');
    expect(late).toMatchObject({ code: 421, text: '4.3.2 mx.example.test Too many connected clients, try again later' });
    const [relay] = await open(1, TRUSTED);
    expect(relay!.code).toBe(220);
    expect(await relay!.client.command('EHLO relay.example')).toMatchObject({ code: 250 });
    for (const c of held) c.client.destroy();
    await greetedAgain('127.0.13.1');
  });

  it('caps the submission port the same way', async () => {
    const clients = await open(PER_ADDRESS + 1, '127.0.8.2', { port: server.ports.submission });
    expect(clients.map((c) => c.code)).toEqual([...Array(PER_ADDRESS).fill(220), 421]);
    expect(clients[PER_ADDRESS]!.text).toMatch(/^4\.7\.0 mx\.example\.test Too many connections from your address/);
  });

  it('on SMTPS counts a client still in its TLS handshake, and refuses over TLS with 421 4.7.0', async () => {
    // Plain TCP connections that never start the handshake hold their slots all the same.
    const silent: net.Socket[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) {
      const socket = net.connect({ host: '127.0.0.1', port: server.ports.smtps, localAddress: '127.0.6.2' });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      silent.push(socket);
    }
    const [refused] = await open(1, '127.0.6.2', { port: server.ports.smtps, implicitTLS: true });
    expect(refused).toMatchObject({ code: 421, text: '4.7.0 mx.example.test Too many connections from your address, try again later' });
    expect(await refused!.client.waitClosed()).toBe(true);
    // A refused client that speaks plain text to the TLS port instead only gets its socket closed.
    const confused = await WireClient.connect(server.ports.smtps, { localAddress: '127.0.6.2' });
    confused.send('EHLO confused.example');
    expect(await confused.waitClosed(15_000)).toBe(true);
    for (const socket of silent) socket.destroy();
    await greetedAgain('127.0.6.2', { port: server.ports.smtps, implicitTLS: true });
  });

  it('logged no error through all of it, and wrote nothing to stderr', () => {
    expect(server.serve.logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(server.serve.stderr()).toBe('');
  });
});
