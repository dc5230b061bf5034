// Force logout reaches a real mail client: Python's imaplib holds an IMAP connection, and the device log's Force logout (web API, or the CLI from another process) closes it with * BYE within a second.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIClient } from '../support/api-client.js';
import { removeTempDataDirs, runCLI } from '../support/cli.js';
import type { IMAPTestServer } from '../support/imap-server.js';
import { passwordOf, startIMAPTestServer } from '../support/imap-server.js';

const ALICE = 'alice@example.test';

/** Logs in with imaplib (client name "imaplib-test" via ID), says READY, then waits for the server's next line and prints it. */
const SCRIPT = `
import imaplib, sys, time
imap = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
imaplib.Commands['ID'] = ('AUTH',)
imap.login(sys.argv[2], sys.argv[3])
imap.select('INBOX')
print('READY', flush=True)
line = imap.readline()
print('GOT', time.time(), line.decode().strip(), flush=True)
`;

interface Held {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  /** The line the server sent unasked, and when (epoch ms). */
  got: Promise<{ at: number; line: string }>;
}

function holdConnection(port: number): Held {
  const child = spawn('python3', ['-c', SCRIPT, String(port), ALICE, passwordOf(ALICE)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void;
  let onGot: (value: { at: number; line: string }) => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const got = new Promise<{ at: number; line: string }>((resolve, reject) => {
    onGot = resolve;
    child.on('exit', (code) => {
      if (!/GOT/.test(out)) reject(new Error(`python3 exited ${code} without a server line: ${out} ${err}`));
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('READY\n')) onReady();
    const match = /GOT (\S+) (.*)\n/.exec(out);
    if (match) onGot({ at: Number(match[1]) * 1000, line: match[2]! });
  });
  return { child, ready, got };
}

describe('force logout closes a live imaplib connection', () => {
  let t: IMAPTestServer;
  let web: APIClient;

  beforeAll(async () => {
    t = await startIMAPTestServer({ users: [ALICE] });
    web = new APIClient(`http://127.0.0.1:${t.server.listeners.http!.port}`);
    const signedIn = await web.call('POST', '/api/v1/session', { address: ALICE, password: passwordOf(ALICE) });
    expect(signedIn.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    removeTempDataDirs();
  });

  async function imapDevice(): Promise<{ id: string; status: string; protocol: string; kind: string }> {
    const log = await web.call<{ other: Array<{ id: string; status: string; protocol: string; kind: string }> }>('GET', '/api/v1/security/devices');
    const device = log.body.other.find((d) => d.protocol === 'imap');
    expect(device, JSON.stringify(log.body)).toBeDefined();
    return device!;
  }

  it('from the web device log: * BYE within a second, and the device shows logged out', async () => {
    const held = holdConnection(t.imapPort);
    await held.ready;
    const device = await imapDevice();
    expect(device).toMatchObject({ kind: 'mail_client', status: 'signed_in' });
    const sentAt = Date.now();
    expect((await web.call('POST', `/api/v1/security/devices/${device.id}/logout`)).status).toBe(200);
    const got = await held.got;
    expect(got.line).toMatch(/^\* BYE /);
    expect(got.at - sentAt).toBeLessThan(1000);
    expect((await imapDevice()).status).toBe('logged_out');
    // The web session (another device) is untouched.
    expect((await web.call('GET', '/api/v1/session')).status).toBe(200);
  });

  it('from `mailward user logout --device` in another process, within a second of the command', async () => {
    const held = holdConnection(t.imapPort);
    await held.ready;
    const device = await imapDevice();
    const listed = await runCLI(['user', 'devices', ALICE, '--json'], { data: t.app.dataDir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).other.map((d: { id: string }) => d.id)).toContain(device.id);
    const result = await runCLI(['user', 'logout', ALICE, '--device', device.id], { data: t.app.dataDir });
    const doneAt = Date.now();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/signed out device/);
    const got = await held.got;
    expect(got.line).toMatch(/^\* BYE /);
    expect(got.at - doneAt).toBeLessThan(1000);
    const bad = await runCLI(['user', 'logout', ALICE, '--device', 'not-an-id'], { data: t.app.dataDir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
