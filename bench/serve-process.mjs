// `mailward serve` as a child process for the benches: started on fixed loopback ports, ready when a port answers, measured (PSS, CPU), stopped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { processTree, sumMemoryKiB, treeCpuMs } from './smtp/proc.mjs';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'mailward.js');
export const LISTENERS = ['smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'https'];

/** Environment that closes every listener but `open` (port 0: not bound to a fixed port). */
export function otherListenersOff(open) {
  return Object.fromEntries(LISTENERS.filter((name) => !open.includes(name)).map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_PORT`, '0']));
}

export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until `port` answers; throws (and kills the child) when it exits or 30 s pass. */
export async function waitForPort(child, port, logFile) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mailward serve exited with ${child.exitCode}; see ${logFile}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mailward serve did not listen on ${port} within 30 s; see ${logFile}`);
    }
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited after `killAfterMs`; resolves when it has exited. */
export async function stopChild(child, killAfterMs) {
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const GC_ON_SIGNAL = fileURLToPath(new URL('./smtp/gc-on-signal.mjs', import.meta.url));

/**
 * Starts `mailward serve` with `env` on `dataDir` and returns once `port` answers. With
 * `collectable`, the server runs with bench/smtp/gc-on-signal.mjs, and collectGarbage() runs a
 * full GC in it and returns its process.memoryUsage(): memory read after it is live memory, not a
 * heap's free room.
 */
export async function startServeProcess({ dataDir, env, port, collectable = false }) {
  const logFile = path.join(dataDir, 'serve.log');
  const gcStatsFile = path.join(dataDir, 'gc-stats.json');
  const out = fs.openSync(logFile, 'a');
  const nodeArgs = collectable ? ['--expose-gc', '--import', GC_ON_SIGNAL] : [];
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--data', dataDir, 'serve'], {
    env: collectable ? { ...env, BENCH_GC_STATS_FILE: gcStatsFile } : env,
    stdio: ['ignore', out, out],
    cwd: REPO,
  });
  fs.closeSync(out);
  await waitForPort(child, port, logFile);
  // With server.workers > 1 the server is a supervisor and its workers: memory, CPU and the
  // garbage collection cover the whole process tree.
  const pids = () => processTree(child.pid).map((p) => p.pid);
  return {
    pid: child.pid,
    memory: () => {
      const m = sumMemoryKiB(pids());
      return { pss: m.count ? m.pss : NaN, rss: m.count ? m.rss : NaN, processes: m.count };
    },
    cpuMs: () => treeCpuMs(child.pid),
    /** Sums every process's process.memoryUsage() after a full GC in each. */
    collectGarbage: async () => {
      if (!collectable) throw new Error('mailward serve was started without collectable');
      const all = pids();
      for (const pid of all) fs.rmSync(`${gcStatsFile}.${pid}`, { force: true });
      for (const pid of all) process.kill(pid, 'SIGUSR2');
      const total = { heapUsed: 0, external: 0, rss: 0 };
      for (const pid of all) {
        const file = `${gcStatsFile}.${pid}`;
        for (let i = 0; i < 100 && !fs.existsSync(file); i++) await sleep(50);
        if (!fs.existsSync(file)) throw new Error(`mailward process ${pid} did not answer SIGUSR2 with its memory usage`);
        const usage = JSON.parse(fs.readFileSync(file, 'utf8'));
        total.heapUsed += usage.heapUsed;
        total.external += usage.external;
        total.rss += usage.rss;
      }
      return total;
    },
    problems: () => fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean),
    stop: () => stopChild(child, 20_000),
  };
}
