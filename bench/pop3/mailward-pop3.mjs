// The server under test for the POP3 bench: users and INBOXes filled through Mailward's own delivery path, then `mailward serve` with POP3 on a fixed loopback port.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { memoryKiB, treeCpuMs } from '../smtp/proc.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'mailward.js');
const OTHER_LISTENERS = ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3s', 'http', 'https'];

/** Creates the domain and every user (argon2id, as `user add` would), and stores `messages` in each INBOX. */
export async function prepareMailward({ dataDir, users, password, messages }) {
  const { openApp } = await import(path.join(REPO, 'dist', 'main.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const { createLogger } = await import(path.join(REPO, 'dist', 'logger.js'));
  const app = await openApp({ dataDir, config: loadConfig({ env: {} }), logger: createLogger({ level: 'warn' }), env: {} });
  try {
    for (const domain of new Set(users.map((u) => u.split('@')[1]))) await app.accounts.addDomain(domain);
    for (const address of users) {
      const account = await app.accounts.addUser({ address, password });
      for (let i = 0; i < messages.length; i += 100) {
        await app.mail.deliverBatch({ items: messages.slice(i, i + 100).map((raw) => ({ raw, targets: [{ accountId: account.id }] })) });
      }
    }
  } finally {
    await app.close();
  }
}

/** `mailward serve` with POP3 (plain text allowed: the bench compares without TLS) on 127.0.0.1:`pop3Port`. */
export async function startMailward({ dataDir, pop3Port }) {
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
    MAILWARD_LISTENERS_POP3_ENABLED: 'true',
    MAILWARD_LISTENERS_POP3_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_POP3_PORT: String(pop3Port),
    MAILWARD_POP3_ALLOW_PLAINTEXT_AUTH: 'true',
    ...Object.fromEntries(OTHER_LISTENERS.map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_PORT`, '0'])),
  };
  const logFile = path.join(dataDir, 'serve.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [BIN, '--data', dataDir, 'serve'], { env, stdio: ['ignore', out, out], cwd: REPO });
  fs.closeSync(out);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mailward serve exited with ${child.exitCode}; see ${logFile}`);
    if (await canConnect(pop3Port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mailward serve did not listen on ${pop3Port}; see ${logFile}`);
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
