// The server under test for the IMAP bench: a data directory filled through Mailward's own delivery path, then `mailward serve` with IMAP on a fixed port.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { memoryKiB, treeCpuMs } from '../smtp/proc.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'mailward.js');
const OTHER_LISTENERS = ['smtp', 'submission', 'smtps', 'imaps', 'pop3', 'pop3s', 'http', 'https'];

function cli(dataDir, args, input) {
  return execFileSync(process.execPath, [BIN, '--data', dataDir, ...args], { encoding: 'utf8', input, env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' } });
}

/** Creates the domain and user with the CLI, then stores `messages` into the user's INBOX in batches (fsynced, as SMTP delivery does). */
export async function prepareMailward({ dataDir, address, password, messages }) {
  cli(dataDir, ['domain', 'add', address.split('@')[1]]);
  cli(dataDir, ['user', 'add', address, '--password-stdin'], `${password}\n`);
  const { openApp } = await import(path.join(REPO, 'dist', 'main.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const { createLogger } = await import(path.join(REPO, 'dist', 'logger.js'));
  const app = await openApp({ dataDir, config: loadConfig({ env: {} }), logger: createLogger({ level: 'warn' }), env: {} });
  try {
    const account = await app.accounts.getUser(address);
    const base = Date.now() - messages.length * 1000;
    for (let i = 0; i < messages.length; i += 200) {
      const slice = messages.slice(i, i + 200);
      // One message per delivery keeps INTERNALDATE increasing like real arrivals.
      await Promise.all(slice.map((raw, j) => app.mail.deliver({ raw, targets: [{ accountId: account.id }], internalDate: base + (i + j) * 1000 })));
    }
  } finally {
    await app.close();
  }
}

export async function startMailward({ dataDir, imapPort, maxConnections = 3000 }) {
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
    MAILWARD_LISTENERS_IMAP_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_IMAP_PORT: String(imapPort),
    MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: String(maxConnections + 100),
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_IP: String(maxConnections * 2 + 100),
    ...Object.fromEntries(OTHER_LISTENERS.map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_PORT`, '0'])),
  };
  const logFile = path.join(dataDir, 'serve.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [BIN, '--data', dataDir, 'serve'], { env, stdio: ['ignore', out, out], cwd: REPO });
  fs.closeSync(out);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mailward serve exited with ${child.exitCode}; see ${logFile}`);
    if (await canConnect(imapPort)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mailward serve did not listen on ${imapPort}; see ${logFile}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid,
    memory: () => {
      const m = memoryKiB(child.pid);
      return { pss: m?.pss ?? NaN, rss: m?.rss ?? NaN, processes: 1 };
    },
    cpuMs: () => treeCpuMs(child.pid),
    problems: () => fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
