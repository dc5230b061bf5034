// The server under test: `node bin/mailward.js --data DIR serve` as a child process, with a domain and a user created first through the CLI.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { waitForPort } from '../serve-process.mjs';
import { memoryKiB, treeCpuMs } from './proc.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'mailward.js');
const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const OTHER_LISTENERS = ['submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'https'];

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function cli(dataDir, args, input) {
  return execFileSync(process.execPath, [BIN, '--data', dataDir, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Creates the domain and the users in a fresh data directory, through the CLI as an admin would. */
export function prepareMailward({ dataDir, domain, user, users = [user] }) {
  cli(dataDir, ['domain', 'add', domain]);
  for (const name of users) cli(dataDir, ['user', 'add', `${name}@${domain}`, '--password-stdin'], `${PASSWORD}\n`);
}

/**
 * Starts `mailward serve` on `dataDir` with the MX on 127.0.0.1:`port` and every other listener on
 * a port of the kernel's choosing (port 0). Sender verification is off (no DNS here); the log
 * level is warn. Every connection comes from 127.0.0.1, which is exempt from the per-address
 * connection caps: the bench measures throughput and memory per connection, not the caps. `nodeArgs` go to node before the script (e.g. --cpu-prof for a profile: Node 20
 * does not allow --cpu-prof in NODE_OPTIONS).
 */
export async function startMailward({ dataDir, port, nodeArgs = [], logFile, gcStatsFile }) {
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
    MAILWARD_SMTP_CONNECTION_LIMIT_EXEMPT: '127.0.0.1',
    MAILWARD_LISTENERS_SMTP_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_SMTP_PORT: String(port),
    ...Object.fromEntries(OTHER_LISTENERS.map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_PORT`, '0'])),
    ...(gcStatsFile ? { BENCH_GC_STATS_FILE: gcStatsFile } : {}),
  };
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--data', dataDir, 'serve'], { env, stdio: ['ignore', out, out], cwd: REPO });
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // Ready when the MX answers.
  await waitForPort(child, port, logFile);
  return new MailwardInstance({ child, exited, dataDir, port, logFile, gcStatsFile });
}

export class MailwardInstance {
  constructor({ child, exited, dataDir, port, logFile, gcStatsFile }) {
    Object.assign(this, { child, exited, dataDir, port, logFile, gcStatsFile });
    this.pid = child.pid;
  }

  memory() {
    return memoryKiB(this.pid);
  }

  /**
   * A full GC in the server, then its process.memoryUsage() (bytes), through bench/smtp/gc-on-signal.mjs
   * (start it with `gcStatsFile`).
   */
  async collectGarbage() {
    if (!this.gcStatsFile) throw new Error('mailward was started without gcStatsFile');
    // gc-on-signal.mjs writes to the file named with the process's pid.
    const file = `${this.gcStatsFile}.${this.pid}`;
    fs.rmSync(file, { force: true });
    this.child.kill('SIGUSR2');
    for (let i = 0; i < 100; i++) {
      await sleep(50);
      if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
    }
    throw new Error('mailward did not answer SIGUSR2 with its memory usage');
  }

  cpuMs() {
    return treeCpuMs(this.pid);
  }

  /** Messages stored (rows in `messages`), read from the database with a read-only connection. */
  async storedMessages() {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path.join(this.dataDir, 'mailward.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) AS n FROM messages').get().n;
    } finally {
      db.close();
    }
  }

  /** Lines the server logged (level warn and above). */
  problems() {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** SIGTERM (graceful: a --cpu-prof profile is written on this exit), SIGKILL after 20 s. */
  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}
