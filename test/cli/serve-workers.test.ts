// `mailward serve` with server.workers = 2: both workers serve the same ports, a message delivered through one reaches an IMAP IDLE client on the other within a second, a killed worker comes back, and SIGTERM stops them all.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, ServeHandle } from '../support/cli.js';
import { IMAPWire } from '../support/imap-server.js';
import { assertBuilt, CLI_TEST_TIMEOUT_MS, expectSuccess, killAllServes, removeTempDataDirs, runCLI, startServe, tempDataDir } from '../support/cli.js';

const USER = 'idle@example.test';
const PASSWORD = 'Harbor-Violet-Kettle-7315';
const WORKERS = 2;

function listeningPids(serve: ServeHandle, listener: string): Set<number> {
  return new Set(serve.logs.filter((l: LogLine) => l.msg === 'listening' && l.listener === listener).map((l) => Number(l.pid)));
}

describe('mailward serve with several workers', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let serve: ServeHandle;
  let data: string;

  beforeAll(async () => {
    assertBuilt();
    data = tempDataDir('mailward-workers-');
    expectSuccess(await runCLI(['domain', 'add', 'example.test'], { data }));
    expectSuccess(await runCLI(['user', 'add', USER, '--password-stdin'], { data, stdin: `${PASSWORD}\n` }));
    serve = await startServe({ data, env: { MAILWARD_SERVER_WORKERS: String(WORKERS), MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true' }, timeoutMs: 40_000 });
  }, 60_000);

  afterAll(async () => {
    await killAllServes();
    removeTempDataDirs();
  });

  it('runs two workers on the same ports, each its own process', () => {
    const imapPids = listeningPids(serve, 'imap');
    expect(imapPids.size).toBe(WORKERS);
    expect(imapPids.has(serve.child.pid!)).toBe(false);
    const ports = new Set(serve.logs.filter((l) => l.msg === 'listening' && l.listener === 'imap').map((l) => Number(l.port)));
    expect(ports.size).toBe(1);
    // The supervisor says it started once, after every worker listens.
    expect(serve.logs.filter((l) => l.msg === 'mailward started')).toHaveLength(1);
  });

  it('tells an IMAP client in IDLE of mail delivered by either worker within a second', async () => {
    const smtpPort = serve.listeners['smtp']!.port;
    const wire = await IMAPWire.connect(serve.listeners['imap']!.port);
    try {
      await wire.login(USER, PASSWORD);
      await wire.command('SELECT INBOX');
      wire.write('i1 IDLE\r\n');
      await wire.until(/^\+ /m);
      // Each message on a connection of its own: the kernel spreads new connections over both
      // workers, so some land on the process that does not hold the IDLE connection.
      for (let i = 1; i <= 6; i++) {
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: false });
        await transport.sendMail({ from: 'sender@elsewhere.example', to: USER, subject: `Across workers ${i}`, text: 'Hello' });
        transport.close();
        await wire.until(new RegExp(`^\\* ${i} EXISTS\r$`, 'm'), 1_000);
      }
      wire.write('DONE\r\n');
      await wire.until(/^i1 OK/m);
    } finally {
      wire.close();
    }
  });

  it('brings back a worker that dies, and stops every worker on SIGTERM', async () => {
    const before = listeningPids(serve, 'imap');
    const victim = [...before][0]!;
    process.kill(victim, 'SIGKILL');
    await serve.waitForLog((l) => l.msg === 'worker died; restarting it', { timeoutMs: 5_000 });
    await serve.waitForLog((l) => l.msg === 'listening' && l.listener === 'imap' && !before.has(Number(l.pid)), { timeoutMs: 20_000 });
    const after = listeningPids(serve, 'imap');
    expect(after.size).toBe(WORKERS + 1);

    const exit = await serve.stop('SIGTERM', { timeoutMs: 20_000 });
    expect(exit.code).toBe(0);
    for (const pid of after) {
      expect(() => process.kill(pid, 0), `worker ${pid} is gone`).toThrow();
    }
  });
});
