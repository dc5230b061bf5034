// Shared helpers for the authentication bench: opening an app on a temp data dir, timing, percentiles, thread CPU.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../dist/config/index.js';
import { createLogger } from '../../dist/app/index.js';
import { openApp } from '../../dist/app/index.js';

export { fmt, markdownTable, printTable } from './format.mjs';

/** A fresh data directory under the system temp dir; remove it with `removeDir`. */
export function tempDataDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Opens the real app (composition root) on `dataDir`: SQLite unless `databaseURL` is given.
 * The config comes from defaults only (no file, no environment), the logger is silent.
 */
export async function openBenchApp({ dataDir, databaseURL }) {
  const base = loadConfig({ env: {} });
  const config = databaseURL ? { ...base, database: { ...base.database, url: databaseURL } } : base;
  return openApp({ dataDir, config, logger: createLogger({ level: 'silent' }), env: {} });
}

/** Milliseconds since an arbitrary origin, with sub-microsecond resolution. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The p-th percentile (0..100) of `values` by the nearest-rank method. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values) {
  return percentile(values, 50);
}

/** p50, p99 and max of latencies in ms. */
export function summarize(latencies) {
  return {
    n: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}

const CLOCK_TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/**
 * CPU time (ms) of the main JavaScript thread only, from /proc (the process total from
 * process.cpuUsage() also counts the libuv pool threads that run argon2).
 */
export function mainThreadCpuMs() {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may contain spaces).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/** CPU time (ms) of the whole process: main thread plus the libuv pool. */
export function processCpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Runs `concurrency` loops calling `work(workerIndex)` until `durationMs` has passed; returns how
 * many calls completed, the wall time until the last one ended, and the CPU spent meanwhile.
 */
export async function runFor({ concurrency, durationMs, work }) {
  const cpu0 = processCpuMs();
  const main0 = mainThreadCpuMs();
  const start = nowMs();
  const deadline = start + durationMs;
  let done = 0;
  const loops = Array.from({ length: concurrency }, async (_, worker) => {
    while (nowMs() < deadline) {
      await work(worker);
      done++;
    }
  });
  await Promise.all(loops);
  const wallMs = nowMs() - start;
  return {
    done,
    wallMs,
    perSecond: (done * 1000) / wallMs,
    cpuMs: processCpuMs() - cpu0,
    mainThreadCpuMs: mainThreadCpuMs() - main0,
  };
}
