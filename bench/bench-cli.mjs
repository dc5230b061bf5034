// What the benches' command lines share: options from their defaults, the machine a run measured, and the start of main() (usage, --help, the build it needs).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

/**
 * The options of `argv`: string options from `strings` (name → default text; undefined for none)
 * and the boolean flags named in `flags`, false unless given.
 */
export function benchOptions(argv, strings, flags = []) {
  const options = {};
  for (const [name, fallback] of Object.entries(strings)) options[name] = fallback === undefined ? { type: 'string' } : { type: 'string', default: fallback };
  for (const name of flags) options[name] = { type: 'boolean', default: false };
  return parseArgs({ args: argv, options }).values;
}

/** What a shell command prints, or 'n/a'. */
export function command(text) {
  try {
    return execSync(text, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'n/a';
  }
}

/** The machine a run measured, with what the bench adds about its own setting. */
export function machine(extra = {}) {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    date: new Date().toISOString(),
    nproc: command('nproc'),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'n/a',
    free: command('free -h'),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    nice: os.getPriority(),
    ...extra,
  };
}

/**
 * main() of `npm run bench:NAME`: a bad option prints it with the usage (exit 2), --help the usage
 * (exit 0), a missing build says how to make it (exit 1); otherwise `run` measures, and its exit code is returned.
 */
export async function runBench({ name, usage, parse, needs, run }) {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`bench:${name}: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  if (!fs.existsSync(new URL(`../${needs}`, import.meta.url))) {
    console.error(`bench:${name}: dist/ is missing; run \`npm run build\` first (npm run bench:${name} does).`);
    return 1;
  }
  return run(options);
}
