#!/usr/bin/env node
// Entry point of the `mailward` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `serve` is a long-running server: it replaces itself (execve: same process id, same stdio) with
 * a Node whose young generation stays small (V8 otherwise grows it to 48 MiB during start-up and
 * keeps the pages while idle) and whose C allocator keeps at most two arenas (argon2 and SQLite
 * threads would each keep one). An idle server then holds about a third less memory; see
 * docs/architecture.md, "Memory". Options given on the command line or in MALLOC_ARENA_MAX win.
 */
const SERVE_NODE_OPTIONS = ['--max-semi-space-size=8'];
if (
  process.argv.slice(2).includes('serve') &&
  typeof process.execve === 'function' &&
  !process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size')) &&
  !(process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size')
) {
  process.execve(process.execPath, [process.execPath, ...SERVE_NODE_OPTIONS, ...process.execArgv, ...process.argv.slice(1)], { MALLOC_ARENA_MAX: '2', ...process.env });
}

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('mailward: not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main);
