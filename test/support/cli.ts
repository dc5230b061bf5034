// Runs the built `mailward` command (bin/mailward.js → dist/) as a child process, one-shot or as a long-running `serve`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { LISTENER_NAMES, loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/app/logger.js';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';

/** Directories made by tempDataDir, removed by removeTempDataDirs. */
const tempDirs: string[] = [];

/** A fresh, empty directory under the OS temp dir (the CLI creates its data inside; pass a child path for "does not exist yet"). */
export function tempDataDir(prefix = 'mailward-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** For afterAll: removes every directory tempDataDir made. */
export function removeTempDataDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Opens a data directory in this process (as the CLI would, with default settings) for setting up
 * state or checking it without paying for a child process. Never run it beside a child on the same directory.
 */
export async function withDataDir<T>(data: string, work: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp({ dataDir: data, config: loadConfig({ env: {} }), logger: createLogger({ level: 'silent' }), env: {} });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(REPO_ROOT, 'bin', 'mailward.js');
export const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** The newest modification time (ms) of the compiled sources under src/ (tests excluded). */
function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

let warnedStale = false;

/**
 * For a vitest beforeAll: the CLI tests run the compiled code, so a missing build must fail loudly,
 * not as dozens of puzzling failures. A build older than src/ only warns (an editor saving a file
 * mid-run must not fail the suite), but it explains failures where the children, running dist/,
 * disagree with set-up and checks done in this process, which run src/.
 */
export function assertBuilt(): void {
  const built = path.relative(REPO_ROOT, BUILT_CLI);
  if (!fs.existsSync(BUILT_CLI)) {
    throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does it for you)`);
  }
  // tsc rewrites every output, so the entry point's time is the time of the last build.
  if (!warnedStale && newestSourceTime(path.join(REPO_ROOT, 'src')) > fs.statSync(BUILT_CLI).mtimeMs) {
    warnedStale = true;
    console.warn(`warning: ${built} is older than src/; the CLI tests run the old build (run \`npm run build\`)`);
  }
}

export interface CLIResult {
  /** Exit code, or null when the process ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Passed as `--data DIR` before the command. */
  data?: string;
  /** Written to the child's standard input, which is then closed (it is closed at once without this). */
  stdin?: string;
  /** Added to the environment; `undefined` removes a variable. MAILWARD_* of the calling process are never inherited. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) and reported as a failure after this long; default 20 s. */
  timeoutMs?: number;
}

/** Every stdout and stderr text any child printed in this test file, so a file can assert what never appears. */
export const cliTranscript: string[] = [];

/** The environment of a child: ours without MAILWARD_* (a developer's settings must not leak in), plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MAILWARD_') && value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

let cwd: string | undefined;

/**
 * The children's working directory: an empty temp directory, so a test that forgets --data and
 * MAILWARD_DATA makes the CLI use <temp>/data, never the repository's ./data.
 */
function childCwd(): string {
  if (cwd === undefined || !fs.existsSync(cwd)) cwd = tempDataDir('mailward-cwd-');
  return cwd;
}

function cliArgs(args: string[], data: string | undefined): string[] {
  return [BIN, ...(data === undefined ? [] : ['--data', data]), ...args];
}

/** Runs `mailward ARGS` to completion (spawned directly, no shell) and collects its output. */
export function runCLI(args: string[], options: RunOptions = {}): Promise<CLIResult> {
  // A run is 2–3 s of Node start-up alone; side by side on a busy two-core machine it can take
  // many times that. A hang still fails, only later.
  const timeoutMs = options.timeoutMs ?? 45_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(args, options.data), {
      cwd: childCwd(),
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // The child may exit before reading its input (a usage error); that is not our failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mailward ${args.join(' ')}: no exit after ${timeoutMs} ms; stderr: ${Buffer.concat(stderr).toString('utf8')}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      cliTranscript.push(result.stdout, result.stderr);
      resolve(result);
    });
  });
}

/** The lines of a text without the final line break (`''` → no lines). */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/**
 * Environment that puts every listener on port 0, so parallel runs never collide and the OS picks
 * free ports, and turns off the MX's DNS-based sender checks: tests never query DNS (the sender
 * checks have their own tests with a stub resolver).
 */
export function ephemeralPortsEnv(): Record<string, string> {
  return {
    ...Object.fromEntries(LISTENER_NAMES.map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_PORT`, '0'])),
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
  };
}

/** One pino line of `serve` (the fields tests look at; the rest stays available). */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServeOptions {
  data: string;
  /** Extra arguments after `serve`, e.g. ['--first-run']. */
  args?: string[];
  /** Passed as `--config FILE`. */
  config?: string;
  /** Added to the environment after the port-0 variables (so a test may pin one port). */
  env?: Record<string, string | undefined>;
  /** How long to wait for "mailward started"; default 20 s. */
  timeoutMs?: number;
}

export interface ServeHandle {
  readonly child: ChildProcess;
  /** Every JSON log line printed on stdout so far, in order. */
  readonly logs: LogLine[];
  /** Lines on stdout that were not JSON (there should be none). */
  readonly strayStdout: string[];
  /** Where each listener said it listens, from its "listening" line. */
  readonly listeners: Record<string, { host: string; port: number }>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first log line (already seen or still to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, options?: { timeoutMs?: number }): Promise<LogLine>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit, SIGKILLing after `timeoutMs` (then it rejects). */
  stop(signal?: NodeJS.Signals, options?: { timeoutMs?: number }): Promise<ExitInfo>;
}

const running = new Set<ChildProcess>();

/** Starts `mailward serve` with every listener on port 0 and resolves once it logged "mailward started". */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const args = [...(options.config === undefined ? [] : ['--config', options.config]), 'serve', ...(options.args ?? [])];
  const child = spawn(process.execPath, cliArgs(args, options.data), {
    cwd: childCwd(),
    env: childEnv({ MAILWARD_LOG_LEVEL: 'info', ...ephemeralPortsEnv(), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: LogLine[] = [];
  const strayStdout: string[] = [];
  const listeners: Record<string, { host: string; port: number }> = {};
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let stdoutText = '';
  let stderrText = '';
  let partial = '';

  const onLine = (text: string): void => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      strayStdout.push(text);
      return;
    }
    logs.push(line);
    if (line.msg === 'listening' && typeof line.listener === 'string') {
      listeners[line.listener] = { host: String(line.host), port: Number(line.port) };
    }
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdoutText += chunk;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part !== '') onLine(part);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrText += chunk;
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      if (partial !== '') onLine(partial);
      partial = '';
      cliTranscript.push(stdoutText, stderrText);
      resolve({ code, signal });
    });
  });

  const waitForLog = (match: (line: LogLine) => boolean, waitOptions: { timeoutMs?: number } = {}): Promise<LogLine> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    const timeoutMs = waitOptions.timeoutMs ?? 20_000;
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`serve: expected log line not seen within ${timeoutMs} ms; stderr: ${stderrText}`));
      }, timeoutMs);
      waiters.push(waiter);
      void exited.then((exit) => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`serve exited (code ${exit.code}, signal ${exit.signal}) before the expected log line; stderr: ${stderrText}`));
      });
    });
  };

  const handle: ServeHandle = {
    child,
    logs,
    strayStdout,
    listeners,
    stdout: () => stdoutText,
    stderr: () => stderrText,
    waitForLog,
    exited,
    async stop(signal = 'SIGTERM', stopOptions = {}) {
      const timeoutMs = stopOptions.timeoutMs ?? 10_000;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`serve did not exit within ${timeoutMs} ms of ${signal}; stderr: ${stderrText}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  try {
    await waitForLog((line) => line.msg === 'mailward started', { timeoutMs: options.timeoutMs ?? 20_000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return handle;
}

/** For afterAll: kills (SIGKILL) any `serve` a failed test left running. */
export async function killAllServes(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Asserts the CLI's failure contract (README "Exit status"): the exit code, nothing on stdout, and
 * exactly one line on stderr, prefixed "mailward: ", that matches `matches`. Returns that line.
 */
export function expectOneLineError(result: CLIResult, options: { code: 1 | 2; matches?: RegExp | string }): string {
  const context = `stdout: ${JSON.stringify(result.stdout)}, stderr: ${JSON.stringify(result.stderr)}`;
  expect(result.code, context).toBe(options.code);
  expect(result.stdout, context).toBe('');
  const errorLines = lines(result.stderr);
  expect(errorLines, context).toHaveLength(1);
  const [line = ''] = errorLines;
  expect(line).toMatch(/^mailward: \S/);
  if (options.matches !== undefined) expect(line).toMatch(options.matches);
  return line;
}

/** Asserts a success: exit 0 and nothing on stderr; returns stdout. */
export function expectSuccess(result: CLIResult): string {
  expect(result.code, `stderr: ${result.stderr}`).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** Per-test timeout for tests that run several children in sequence: they are slow on a loaded machine. */
export const CLI_TEST_TIMEOUT_MS = 150_000;

export interface CLISuiteOptions {
  /** Text that nothing any command of the file printed may contain (a password hash, a private key). */
  neverPrinted?: string;
  /** Runs after the last test, before the data directories are removed (stopping a serve, unmounting). */
  cleanup?(): unknown;
}

/**
 * A describe of CLI tests run side by side, each on a data directory of its own (a CLI run is
 * mostly Node start-up): the build is checked first, and the data directories go at the end.
 */
export function describeCLI(name: string, options: CLISuiteOptions, body: () => void): void {
  describe.concurrent(name, { timeout: CLI_TEST_TIMEOUT_MS }, () => {
    beforeAll(() => assertBuilt());
    afterAll(async () => {
      await options.cleanup?.();
      removeTempDataDirs();
      if (options.neverPrinted !== undefined) expect(cliTranscript.join('\n')).not.toContain(options.neverPrinted);
    });
    body();
  });
}

/** The password of every account `dataWith` makes. */
export const ACCOUNT_PASSWORD = 'Tr0ub4dor&3-x';

/** A fresh data directory serving example.org, with an account (password ACCOUNT_PASSWORD) for each address given. */
export async function dataWith(addresses: string[] = [], options: { mustChangePassword?: boolean } = {}): Promise<string> {
  const data = tempDataDir();
  await withDataDir(data, async (app) => {
    await app.accounts.addDomain('example.org');
    for (const address of addresses) {
      await app.accounts.addUser({ address, password: ACCOUNT_PASSWORD, mustChangePassword: options.mustChangePassword === true });
    }
  });
  return data;
}
