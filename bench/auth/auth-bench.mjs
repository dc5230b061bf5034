// Authentication bench (issue 3): runs (a) login throughput, (b) throttled flood, (c) login-record pages, prints them and records them in bench/RESULTS.md.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchOptions, machine, runBench } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { effectiveCores } from './calibrate.mjs';
import { fmt, markdownTable, printTable } from './format.mjs';

const USAGE = `Usage: npm run bench:auth -- [options]   (builds dist first; or: node bench/auth/auth-bench.mjs after npm run build)

  --only LIST             which parts to run, comma-separated: a,b,c (default: all)
  --rows N                login records in the table for (c) (default 10,000,000)
  --accounts N            accounts the records are spread over (default 10,000)
  --seconds S             length of each throughput run in (a) (default 8)
  --rounds N              rounds of (a) and (b); each round measures both sides back to back (default 3)
  --concurrency N         logins in flight in (a) (default 8)
  --flood-concurrency N   attempts in flight in the flood of (b) (default 32)
  --logins N              the owner's logins per series in (b) (default 300)
  --samples N             page queries per series in (c) (default 1000)
  --postgres-url URL      PostgreSQL for (c) (default $BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test)
  --no-postgres           skip PostgreSQL in (c)
  --no-write              print only; leave bench/RESULTS.md alone
  --help`;

const TARGETS = {
  ratio: 0.9,
  refusalsPerSecond: 20_000,
  p99Ratio: 2,
  pageP99Ms: 10,
};

const RESULTS_FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const SECTION = '## Authentication (bench/auth)';

function parseOptions(argv) {
  const values = benchOptions(
    argv,
    {
      only: 'a,b,c',
      rows: '10000000',
      accounts: '10000',
      seconds: '8',
      rounds: '3',
      concurrency: '8',
      'flood-concurrency': '32',
      logins: '300',
      samples: '1000',
      'postgres-url': process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    ['no-postgres', 'no-write', 'help'],
  );
  const count = (name, min) => {
    const text = values[name].replace(/[_,]/g, '');
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value < min) throw new Error(`--${name}: expected a number ≥ ${min}, got "${values[name]}"`);
    return value;
  };
  const only = new Set(values.only.split(',').map((part) => part.trim()));
  for (const part of only) if (!['a', 'b', 'c'].includes(part)) throw new Error(`--only: unknown part "${part}" (a, b or c)`);
  return {
    help: values.help,
    only,
    rows: Math.floor(count('rows', 1000)),
    accounts: Math.floor(count('accounts', 1)),
    durationMs: count('seconds', 1) * 1000,
    rounds: Math.floor(count('rounds', 1)),
    concurrency: Math.floor(count('concurrency', 1)),
    floodConcurrency: Math.floor(count('flood-concurrency', 1)),
    logins: Math.floor(count('logins', 10)),
    samples: Math.floor(count('samples', 10)),
    postgresURL: values['no-postgres'] ? '' : values['postgres-url'],
    write: !values['no-write'],
    argv,
  };
}

const yes = (met) => (met ? 'yes' : '**no**');
const ms = (value) => `${fmt(value, 2)} ms`;
const loadavg = () => os.loadavg().map((n) => n.toFixed(2)).join(', ');

function summaryRows(results) {
  const rows = [];
  const { a, b, c } = results;
  if (a) {
    rows.push([
      '(a) valid IMAP logins through authenticate() ÷ bare argon2id verify, same concurrency',
      `${fmt(a.ratio, 3)}× (${fmt(a.authRate, 1)}/s vs ${fmt(a.bareRate, 1)}/s)`,
      `≥ ${TARGETS.ratio}×`,
      yes(a.ratio >= TARGETS.ratio),
    ]);
  }
  if (b) {
    rows.push([
      '(b) throttled refusals per second, one core, while the owner logs in',
      `${fmt(b.refusalsPerSecond)}/s (${fmt(b.refusalsPerCoreSecond)} per main-thread CPU-second)`,
      `≥ ${fmt(TARGETS.refusalsPerSecond)}/s`,
      yes(b.refusalsPerSecond >= TARGETS.refusalsPerSecond),
    ]);
    rows.push([
      "(b) owner's login p99 during the flood ÷ idle",
      `${fmt(b.p99Ratio, 2)}× (${ms(b.floodedP99)} vs ${ms(b.idleP99)})`,
      `≤ ${TARGETS.p99Ratio}×`,
      yes(b.p99Ratio <= TARGETS.p99Ratio),
    ]);
  }
  for (const page of c ?? []) {
    rows.push([
      `(c) first page (50) of one account's login records, ${fmt(page.rows)} rows, ${page.dialect}`,
      `p99 ${ms(page.same.p99)} (p50 ${ms(page.same.p50)})`,
      `≤ ${TARGETS.pageP99Ms} ms`,
      yes(page.same.p99 <= TARGETS.pageP99Ms),
    ]);
  }
  return rows;
}

function detailSections(results) {
  const out = [];
  const { a, b, c } = results;
  if (a) {
    out.push(
      `**(a) Valid-login throughput.** ${a.concurrency} callers in flight, each with its own account and IP (protocol \`imap\`, correct ` +
        `password, throttling never involved); the baseline is \`@node-rs/argon2\` \`verify\` on the same stored hashes ` +
        `(argon2id m=${a.params.m}, t=${a.params.t}, p=${a.params.p}) at the same concurrency. ${a.rounds} rounds of ${a.durationMs / 1000} s per side ` +
        'after a warm-up; the ratio is the median of each round\'s back-to-back ratio.',
      '',
      markdownTable(
        ['round', 'bare verify/s', 'authenticate/s', 'ratio'],
        a.runs.map((r, i) => [i + 1, fmt(r.bare.perSecond, 1), fmt(r.auth.perSecond, 1), fmt(r.auth.perSecond / r.bare.perSecond, 3)]),
      ),
      '',
      `CPU per operation (all threads, median): bare ${ms(a.bareCpuMsPerOp)}, authenticate ${ms(a.authCpuMsPerOp)} ` +
        `(${fmt((100 * a.bareCpuMsPerOp) / a.authCpuMsPerOp, 1)}% of the login's CPU is the hash); main JavaScript thread per login ` +
        `${ms(a.authMainThreadMsPerOp)} (bare: ${ms(a.bareMainThreadMsPerOp)}).`,
      '',
    );
  }
  if (b) {
    out.push(
      `**(b) Throttled flood.** The owner's own account is attacked from another network; after ${b.blockedAfter} distinct wrong ` +
        `guesses the (name, IP) pair is blocked, and ${b.floodConcurrency} attempts stay in flight, each started from its own ` +
        'macrotask as a socket read would be (the attacker\'s attempts use authenticate()\'s injected clock, held inside the block, ' +
        'so the one-minute block cannot run out on a slow machine). Meanwhile the owner signs in one login after another from a ' +
        `known IP. Each round measures ${b.legitLogins} idle logins, then ${b.legitLogins} logins under the flood. "Main thread busy" ` +
        'is the JavaScript thread\'s CPU time over wall time: below 100% it waited (for fsync, or for a CPU).',
      '',
      markdownTable(
        ['round', 'owner p50 idle', 'owner p99 idle', 'owner p50 flood', 'owner p99 flood', 'p99 ratio', 'refusals/s', 'per main-thread CPU-s', 'main thread busy'],
        b.series.map((s, i) => [
          i + 1,
          ms(s.idle.p50),
          ms(s.idle.p99),
          ms(s.flooded.p50),
          ms(s.flooded.p99),
          `${fmt(s.p99Ratio, 2)}×`,
          fmt(s.flood.perSecond),
          fmt(s.flood.perCoreSecond),
          `${fmt(100 * s.flood.mainThreadBusy)}%`,
        ]),
      ),
      '',
      `Flood alone (no owner logins): ${fmt(b.alone.perSecond)} refusals/s, ${fmt(b.alone.perCoreSecond)} per main-thread CPU-second, ` +
        `main thread busy ${fmt(100 * b.alone.mainThreadBusy)}%. Attempts that were not throttled: ${b.leaked}. ` +
        `Reason recorded for the flood: \`${b.lastRecordedReason}\`.`,
      '',
    );
  }
  if (c && c.length > 0) {
    out.push(
      `**(c) Login-record pages.** \`loginRecords.page({ accountId, limit: 50 })\` through the app; ${fmt(c[0].rows)} rows spread over ` +
        `${fmt(c[0].accounts)} accounts (about ${fmt(c[0].rows / c[0].accounts)} per account), filled with bulk SQL and analysed. ` +
        `"same account": ${c[0].same.n} calls on one account after 50 warm-up calls; "failures only": \`result: 'failure'\`; ` +
        '"many accounts": a different account each call (mostly cold pages).',
      '',
      markdownTable(
        ['database', 'fill', 'same account p50 / p99 / max', 'failures only p50 / p99', 'many accounts p50 / p99'],
        c.map((p) => [
          `${p.dialect} ${p.version}`,
          `${fmt(p.fillSeconds)} s`,
          `${ms(p.same.p50)} / ${ms(p.same.p99)} / ${ms(p.same.max)}`,
          `${ms(p.failures.p50)} / ${ms(p.failures.p99)}`,
          `${ms(p.spread.p50)} / ${ms(p.spread.p99)}`,
        ]),
      ),
      '',
    );
    for (const p of c) {
      out.push(`Plan on ${p.dialect} (all / failures only):`, '', '```', p.plan.all, '', p.plan.failures, '```', '');
    }
  }
  return out;
}

function render(results, info, options, notes) {
  return [
    `Run ${info.date} — \`npm run bench:auth${options.argv.length ? ` -- ${options.argv.join(' ')}` : ''}\``,
    '',
    `Machine: ${info.nproc} CPUs (\`nproc\`), ${info.cpu}; ${info.kernel}; Node ${info.node}; libuv pool ${info.threadpool}; ` +
      `bench process nice ${info.nice}. Load average at start ${notes.loadStart}, at end ${notes.loadEnd} (other tenants of the machine ` +
      `show up here). Effective cores for two busy threads (two spinning threads' work ÷ one's; 2.0 = two real cores): ` +
      `${fmt(notes.coresStart, 2)} at start, ${fmt(notes.coresEnd, 2)} at end.`,
    '',
    '```',
    info.free,
    '```',
    '',
    markdownTable(['measure', 'result', 'target', 'met'], summaryRows(results)),
    '',
    ...detailSections(results),
    ...(notes.lines.length ? [...notes.lines, ''] : []),
  ].join('\n');
}


async function main(options) {
  // Imported only now, so --help works without dist/.
  const { benchLoginThroughput } = await import('./login-throughput.mjs');
  const { benchThrottleFlood } = await import('./throttle-flood.mjs');
  const { benchLoginRecordsPagePostgres, benchLoginRecordsPageSQLite } = await import('./login-records-page.mjs');

  const info = machine({ threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (default)' });
  const notes = { loadStart: loadavg(), loadEnd: '', coresStart: await effectiveCores(), coresEnd: Number.NaN, lines: [] };
  const log = (line) => console.log(line);
  console.log(
    `bench:auth on ${info.nproc} × ${info.cpu}, Node ${info.node}, nice ${info.nice}, load ${notes.loadStart}, ` +
      `effective cores ${notes.coresStart.toFixed(2)}`,
  );
  const results = {};

  if (options.only.has('a')) {
    console.log(`\n(a) valid-login throughput, ${options.concurrency} in flight`);
    results.a = await benchLoginThroughput({
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      warmupMs: 2000,
      rounds: options.rounds,
      log,
    });
  }
  if (options.only.has('b')) {
    console.log(`\n(b) throttled flood, ${options.floodConcurrency} in flight, owner logging in`);
    results.b = await benchThrottleFlood({
      floodConcurrency: options.floodConcurrency,
      legitLogins: options.logins,
      floodAloneMs: 5000,
      rounds: options.rounds,
      log,
    });
  }
  if (options.only.has('c')) {
    results.c = [];
    console.log(`\n(c) login-record pages, ${options.rows.toLocaleString('en-US')} rows over ${options.accounts.toLocaleString('en-US')} accounts`);
    const pageOptions = { rows: options.rows, accounts: options.accounts, samples: options.samples, log };
    results.c.push(await benchLoginRecordsPageSQLite(pageOptions));
    if (options.postgresURL) {
      try {
        results.c.push(await benchLoginRecordsPagePostgres({ ...pageOptions, url: options.postgresURL }));
      } catch (error) {
        const line = `PostgreSQL part of (c) not run: ${error.message.split('\n')[0]}`;
        console.log(`  ${line}`);
        notes.lines.push(line);
      }
    } else {
      notes.lines.push('PostgreSQL part of (c) skipped (--no-postgres).');
    }
  }
  notes.loadEnd = loadavg();
  notes.coresEnd = await effectiveCores();
  console.log(`\nload ${notes.loadEnd}, effective cores ${notes.coresEnd.toFixed(2)}`);

  console.log('\nResults');
  printTable(['measure', 'result', 'target', 'met'], summaryRows(results).map((row) => row.map((cell) => String(cell).replace(/\*\*/g, ''))));
  if (options.write) {
    writeResultsBlock({ name: 'auth', section: SECTION, block: render(results, info, options, notes) });
    console.log(`\nWritten to ${RESULTS_FILE}`);
  }
  return 0;
}

process.exitCode = await runBench({ name: 'auth', usage: USAGE, parse: parseOptions, needs: 'dist/app/index.js', run: main });
