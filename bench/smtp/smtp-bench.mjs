// SMTP bench (issue 4): messages accepted per second with durable delivery, Mailward against Postfix (same machine, same client, same run), and memory per idle SMTP connection; records the results in bench/RESULTS.md.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { benchOptions, command, machine, runBench } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { effectiveCores } from '../auth/calibrate.mjs';
import { fmt, markdownTable, printTable } from '../auth/format.mjs';
import { buildMessage, openIdleSessions, openSessions, runLoad } from './load.mjs';
import { freePort, prepareMailward, startMailward } from './mailward.mjs';
import { ensurePostfix, postfixVersion, startPostfix } from './postfix.mjs';
import { summarizeProfile } from './profile.mjs';

const USAGE = `Usage: npm run bench:smtp -- [options]   (builds dist first; or: node bench/smtp/smtp-bench.mjs after npm run build)

  --sizes LIST          message sizes in KB, comma-separated (default 4,100)
  --connections LIST    concurrent connections, comma-separated (default 10,16)
  --messages LIST       messages per connection in each measured run, one per size (default: 250 up to 16 KB,
                        8000/size above, at least 20; 80 at 100 KB)
  --rounds N            measured runs per server and case; results are medians (default 3)
  --idle N              idle connections for the memory test (default 500; 0 skips it)
  --accounts N          local accounts the messages go to in turn (default 10)
  --dir DIR             parent of the temporary directory (default: the system temp dir; must not be tmpfs)
  --profile             also profile Mailward (node --cpu-prof) at each size, even when the targets are met
  --no-profile          never profile (by default each size with a missed throughput target is profiled)
  --keep                keep the temporary directory (data dirs, Postfix instance, profile)
  --no-write            print only; leave bench/RESULTS.md alone
  --help`;

const DOMAIN = 'example.test';
const USER = 'bench';
const RECIPIENT = `${USER}@${DOMAIN}`;
/** The accounts messages go to, in turn (--accounts; default 10): a server with users, not one mailbox. */
let USERS = [USER];
let RECIPIENTS = [RECIPIENT];

const TARGETS = {
  // issue 4: ≥ 1.0× Postfix on 4 KB messages at 16 connections; the anchors' targets: ≥ 1.0× at 10 connections, 4 KB and 100 KB.
  throughput: [
    { sizeKB: 4, connections: 16, ratio: 1.0, source: 'issue 4' },
    { sizeKB: 4, connections: 10, ratio: 1.0, source: 'anchor target' },
    { sizeKB: 100, connections: 10, ratio: 1.0, source: 'anchor target' },
  ],
  idleKiB: 65,
};

const RESULTS_FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
const SECTION = '## SMTP (bench/smtp)';

function parseOptions(argv) {
  const values = benchOptions(
    argv,
    { sizes: '4,100', connections: '10,16', messages: undefined, rounds: '3', idle: '500', accounts: '10', dir: os.tmpdir() },
    ['profile', 'no-profile', 'keep', 'no-write', 'help'],
  );
  const list = (name, min) =>
    String(values[name]).split(',').map((text) => {
      const value = Number(text.trim());
      if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected integers ≥ ${min}, got "${values[name]}"`);
      return value;
    });
  const sizes = list('sizes', 1);
  const messages = values.messages === undefined ? sizes.map((kb) => (kb <= 16 ? 250 : Math.max(20, Math.round(8000 / kb)))) : list('messages', 1);
  if (messages.length !== sizes.length) throw new Error('--messages: give one count per size in --sizes');
  const [rounds] = list('rounds', 1);
  const [idle] = list('idle', 0);
  const [accounts] = list('accounts', 1);
  return {
    accounts,
    help: values.help,
    sizes,
    connections: list('connections', 1),
    messages,
    rounds,
    idle,
    dir: path.resolve(values.dir),
    profile: values['no-profile'] ? 'never' : values.profile ? 'always' : 'if-missed',
    keep: values.keep,
    write: !values['no-write'],
    argv,
  };
}

/** The machine, the file system the data lives on (fsync costs nothing on tmpfs) and the Postfix it ran against. */
function setting(dir) {
  return machine({ fs: command(`df --output=fstype,source ${JSON.stringify(dir)} | tail -1`).replace(/\s+/g, ' on '), postfix: postfixVersion() });
}

const loadavg = () => os.loadavg().map((n) => n.toFixed(2)).join(', ');
const yes = (met) => (met ? 'yes' : '**no**');
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const caseName = (c) => `${c.sizeKB} KB, ${c.connections} conn.`;

/** One measured (or warm-up) run against one server; for Postfix also waits for delivery into the Maildir. */
async function measure(server, { c, perConnection, run, log, label }) {
  const cpu0 = server.instance.cpuMs();
  const result = await runLoad({ host: '127.0.0.1', port: server.port, connections: c.connections, perConnection, message: c.message, recipients: RECIPIENTS, run });
  let cpuMs = server.instance.cpuMs() - cpu0;
  if (server.name === 'postfix') {
    const last = await server.instance.waitForDelivery(result.accepted, 180_000);
    cpuMs = server.instance.cpuMs() - cpu0;
    if (last === null) {
      result.deliveredPerSecond = Number.NaN;
      result.deliveryNote = `only ${server.instance.newCount()} of ${result.accepted} delivered after 180 s`;
    } else {
      // From the first MAIL FROM to the mtime of the last Maildir file written.
      result.deliveredPerSecond = (result.accepted * 1000) / Math.max(1, last - result.startWall);
    }
    server.instance.stashNew();
  }
  result.serverCpuMsPerMessage = cpuMs / Math.max(1, result.accepted);
  result.clientCpuMsPerMessage = result.clientCpuMs / Math.max(1, result.accepted);
  server.accepted += result.accepted;
  log(
    `  ${label.padEnd(9)} ${server.name.padEnd(8)} ${fmt(result.perSecond, 0).padStart(6)} msg/s accepted` +
      (server.name === 'postfix' ? `, ${fmt(result.deliveredPerSecond, 0).padStart(6)} msg/s delivered` : '') +
      `  (${result.accepted}/${result.attempted} in ${fmt(result.wallMs / 1000, 2)} s; server CPU ${fmt(result.serverCpuMsPerMessage, 2)} ms/msg)` +
      (result.failures.length ? `  ${result.failures.length} failed: ${result.failures[0]}` : ''),
  );
  return result;
}

/** Memory per idle connection: `count` sessions connected and past EHLO, three times. */
async function measureIdle(server, count, log) {
  const reps = [];
  // Warm-up: the connection code paths run once before the baseline.
  const warm = await openIdleSessions({ host: '127.0.0.1', port: server.port, count: 20 });
  await warm.close();
  await sleep(500);
  for (let rep = 0; rep < 3; rep++) {
    await sleep(1000);
    const heapBefore = server.name === 'mailward' ? await server.instance.collectGarbage() : null;
    const before = server.name === 'mailward' ? server.instance.memory() : server.instance.memory().all;
    const idle = await openIdleSessions({ host: '127.0.0.1', port: server.port, count });
    await sleep(1500);
    let entry;
    if (server.name === 'mailward') {
      const during = server.instance.memory();
      // Then live memory: V8 heap and external (Buffers) after a full GC, before and with the sessions.
      const heapDuring = await server.instance.collectGarbage();
      const live = (m) => (m.heapUsed + m.external) / 1024;
      entry = {
        // The growth of its own (anonymous) memory; whole-PSS growth is shown beside it.
        pssKiB: (during.pssAnon - before.pssAnon) / count,
        wholePssKiB: (during.pss - before.pss) / count,
        rssKiB: (during.rss - before.rss) / count,
        liveKiB: (live(heapDuring) - live(heapBefore)) / count,
        detail:
          `Pss_Anon ${fmt(before.pssAnon)} → ${fmt(during.pssAnon)} KiB, PSS ${fmt(before.pss)} → ${fmt(during.pss)} KiB, ` +
          `RSS ${fmt(before.rss)} → ${fmt(during.rss)} KiB, live heap+external ${fmt(live(heapBefore))} → ${fmt(live(heapDuring))} KiB`,
      };
    } else {
      const during = server.instance.memory();
      entry = {
        pssKiB: during.smtpd.pss / count,
        rssKiB: during.smtpd.rss / count,
        processes: during.smtpd.count,
        treeDeltaKiB: (during.all.pss - before.pss) / count,
        detail: `${during.smtpd.count} smtpd processes: PSS ${fmt(during.smtpd.pss)} KiB, RSS ${fmt(during.smtpd.rss)} KiB`,
      };
    }
    await idle.close();
    reps.push(entry);
    log(
      `  ${server.name.padEnd(8)} rep ${rep + 1}: ${fmt(entry.pssKiB, 1)} KiB PSS, ${fmt(entry.rssKiB, 1)} KiB RSS` +
        (entry.liveKiB !== undefined ? `, ${fmt(entry.liveKiB, 1)} KiB live heap` : '') +
        ` per idle connection (${entry.detail})`,
    );
  }
  const result = { reps, pssKiB: median(reps.map((r) => r.pssKiB)), rssKiB: median(reps.map((r) => r.rssKiB)), liveKiB: median(reps.map((r) => r.liveKiB)) };
  // Judged on the larger of the two views for Mailward: its process growth, or its live heap growth.
  result.judgedKiB = server.name === 'mailward' ? Math.max(result.pssKiB, result.liveKiB) : result.pssKiB;
  return result;
}

/** Where the main thread's time goes, by what is on the stack (inclusive; they overlap where nested). */
const PROFILE_CATEGORIES = [
  { label: 'every SQL statement (Kysely → better-sqlite3, synchronous), COMMIT included', fn: /^executeQuery$/, url: 'kysely/dist/esm/dialect/sqlite/sqlite-driver.js' },
  { label: 'COMMIT of the delivery transaction (WAL fsync, synchronous = FULL)', fn: /^commitTransaction$/, url: 'kysely/dist/esm/dialect/sqlite/sqlite-driver.js' },
  { label: 'Kysely query building and compiling', fn: /^(compileQuery|compile)$/, url: 'kysely' },
  { label: 'blob store put (temp file, fsync, rename, directory fsyncs: main-thread side)', fn: /^put$/, url: 'dist/store/blobs/fs-blob-store.js' },
  { label: 'search text (buildSearchText), charset decoding included', fn: /^buildSearchText$/, url: 'dist/mailbox/search-text.js' },
  { label: 'charset decoding (decodeCharset)', fn: /^decodeCharset$/, url: 'dist/mailbox/mime/decode-charset.js' },
  { label: 'MIME structure (parseMessageStructure)', fn: /^parseMessageStructure$/, url: 'dist/mailbox/mime/' },
  { label: 'RCPT TO handler (recipient lookup)', url: 'dist/server/smtp/ops/rcpt-to.js' },
  { label: 'MAIL FROM handler', url: 'dist/server/smtp/ops/mail-from.js' },
  { label: 'smtp-server replies (socket writes)', fn: /^send$/, url: 'smtp-server/dist/esm/smtp-connection.js' },
  { label: 'smtp-server reading and parsing the stream', fn: /^(_write|readLine|_onData|_flushData)$/, url: 'smtp-server/dist/esm/smtp-stream.js' },
  { label: 'garbage collection', fn: /^\(garbage collector\)$/, url: '' },
  { label: 'start-up (module loading)', fn: /^(compileSourceTextModule|wrapSafe|Module\._load)$/, url: '' },
];

/** Profiles a second Mailward (fresh data dir, node --cpu-prof) under one 4 KB run at the largest connection count. */
async function profileMailward({ base, c, perConnection, log }) {
  const dataDir = path.join(base, `mailward-profile-${c.sizeKB}k`);
  const profDir = path.join(base, `cpu-profile-${c.sizeKB}k`);
  fs.mkdirSync(dataDir, { mode: 0o700 });
  prepareMailward({ dataDir, domain: DOMAIN, users: USERS });
  const port = await freePort();
  const instance = await startMailward({ dataDir, port, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], logFile: path.join(base, `mailward-profile-${c.sizeKB}k.log`) });
  const server = { name: 'mailward', port, instance, accepted: 0 };
  let profiled;
  try {
    await measure(server, { c, perConnection: Math.ceil(perConnection / 4), run: 9000, log, label: 'warm-up' });
    profiled = await measure(server, { c, perConnection, run: 9001, log, label: 'profiled' });
  } finally {
    await instance.stop();
  }
  const file = fs.readdirSync(profDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  return { ...summarizeProfile(path.join(profDir, file), { top: 15, categories: PROFILE_CATEGORIES }), file: path.join(profDir, file), acceptedPerSecond: profiled.perSecond };
}

function summaryRows(results) {
  const rows = [];
  for (const target of TARGETS.throughput) {
    const c = results.cases.find((x) => x.sizeKB === target.sizeKB && x.connections === target.connections);
    if (!c) continue;
    rows.push([
      `SMTP accept, ${caseName(c)}: Mailward ÷ Postfix (${target.source})`,
      `${fmt(c.ratio, 2)}× (${fmt(c.mailward.median)} vs ${fmt(c.postfix.median)} msg/s)`,
      `≥ ${fmt(target.ratio, 1)}×`,
      yes(c.ratio >= target.ratio),
    ]);
  }
  if (results.idle) {
    const { mailward, postfix } = results.idle;
    rows.push([
      `memory per idle SMTP connection (${results.idle.count} after EHLO), Mailward (Postfix: ${fmt(postfix.pssKiB)} KiB PSS)`,
      `${fmt(mailward.judgedKiB, 1)} KiB (${fmt(mailward.judgedKiB / postfix.pssKiB, 3)}× Postfix; PSS growth ${fmt(mailward.pssKiB, 1)}, live heap ${fmt(mailward.liveKiB, 1)})`,
      `≤ ${TARGETS.idleKiB} KiB`,
      yes(mailward.judgedKiB <= TARGETS.idleKiB),
    ]);
  }
  return rows;
}

function caseRows(results) {
  return results.cases.map((c) => [
    caseName(c),
    fmt(c.mailward.median),
    fmt(c.postfix.median),
    `${fmt(c.ratio, 2)}×`,
    fmt(c.postfix.deliveredMedian),
    `${fmt(c.mailward.median / c.postfix.deliveredMedian, 2)}×`,
    `${fmt(c.mailward.cpuMedian, 2)} / ${fmt(c.postfix.cpuMedian, 2)}`,
    fmt(c.clientCpuMedian, 2),
  ]);
}

const CASE_HEADERS = [
  'case',
  'Mailward accepted msg/s',
  'Postfix accepted msg/s',
  'ratio',
  'Postfix delivered msg/s',
  'ratio to delivered',
  'server CPU ms/msg (Mailward / Postfix)',
  'client CPU ms/msg',
];

function render(results, info, options, notes) {
  const out = [
    `Run ${info.date} — \`npm run bench:smtp${options.argv.length ? ` -- ${options.argv.join(' ')}` : ''}\``,
    '',
    `Machine: ${info.nproc} CPUs (\`nproc\`), ${info.cpu}; ${info.kernel}; Node ${info.node}; Postfix ${info.postfix} (Debian); ` +
      `bench process nice ${info.nice}; data on ${info.fs}. Load average at start ${notes.loadStart}, at end ${notes.loadEnd}. ` +
      `Effective cores for two busy threads (2.0 = two real cores): ${fmt(notes.coresStart, 2)} at start, ${fmt(notes.coresEnd, 2)} at end.`,
    '',
    '```',
    info.free,
    '```',
    '',
    markdownTable(['measure', 'result', 'target', 'met'], summaryRows(results)),
    '',
    `**Throughput.** One client for both servers (\`bench/smtp/load.mjs\`, raw sockets in the bench process, on the same cores): N ` +
      `persistent sessions, each EHLO once, then per message MAIL FROM, RCPT TO (the next of ${USERS.length} local accounts in turn), DATA and the message, with RSET ` +
      `before the next; ${results.cases.map((c) => `${c.perConnection} messages per connection at ${c.sizeKB} KB`).filter((v, i, a) => a.indexOf(v) === i).join(', ')}` +
      ' (plain text, every message unique by its Message-ID). Sessions are opened before the clock starts; accepted msg/s = 250 ' +
      `replies to DATA ÷ time from the first MAIL FROM to the last 250. Each case: a warm-up run per server, then ${options.rounds} ` +
      'runs per server, alternating servers; medians. Mailward: `mailward serve` (SQLite, default durability: blob fsynced and ' +
      'row committed before the 250; sender verification off, log level warn). Postfix: smtpd → cleanup (queue file fsynced before ' +
      'the 250) → qmgr → virtual(8) into a Maildir; "delivered" = messages ÷ time from the first MAIL FROM to the mtime of the last ' +
      "Maildir file (each run waits for its deliveries before the next starts). Server CPU per message: the server's whole " +
      'process tree (Postfix until the last delivery).',
    '',
    markdownTable(CASE_HEADERS, caseRows(results)),
    '',
    'Each run (msg/s; Postfix accepted / delivered):',
    '',
    markdownTable(
      ['case', ...Array.from({ length: options.rounds }, (_, i) => `run ${i + 1} Mailward`), ...Array.from({ length: options.rounds }, (_, i) => `run ${i + 1} Postfix`)],
      results.cases.map((c) => [
        caseName(c),
        ...c.mailward.runs.map((r) => fmt(r.perSecond) + (r.failures.length ? ` (${r.failures.length} failed)` : '')),
        ...c.postfix.runs.map(
          (r) => `${fmt(r.perSecond)} / ${fmt(r.deliveredPerSecond)}` + (r.failures.length ? ` (${r.failures.length} failed)` : '') + (r.deliveryNote ? ` (${r.deliveryNote})` : ''),
        ),
      ]),
    ),
    '',
    `Checked at the end: Mailward stored ${fmt(results.check.mailwardStored)} messages for ${fmt(results.check.mailwardAccepted)} acknowledged; ` +
      `Postfix's Maildir holds ${fmt(results.check.postfixDelivered)} for ${fmt(results.check.postfixAccepted)} acknowledged ` +
      `(${results.check.postfixQueued} left in its queue). STARTTLS offered in EHLO by Postfix: ${results.postfixEhlo.includes('STARTTLS') ? 'yes' : 'no'}, ` +
      `by Mailward: ${results.mailwardEhlo.includes('STARTTLS') ? 'yes' : 'no'} (the client never uses it).`,
    '',
  ];
  if (results.idle) {
    const { mailward, postfix, count } = results.idle;
    out.push(
      `**Idle connections.** ${count} sessions connected and past EHLO, held 1.5 s, three times after a warm-up (medians). ` +
        "Mailward (one process): growth of the server process's anonymous PSS (`Pss_Anon`: heap, stacks, buffers) from just " +
        `before the sessions opened, ÷ ${count}; its whole PSS also moves with file pages shared with other node processes (the ` +
        'bench itself), which is noise here. A V8 heap with free room absorbs much of that growth, so the bench also reads the live ' +
        'memory (V8 `heapUsed` + `external`) after a full GC, before and with the sessions (Mailward is started with ' +
        '`--expose-gc` and `bench/smtp/gc-on-signal.mjs`, which collects and reports `process.memoryUsage()` on SIGUSR2); the ' +
        'target is judged on the larger of the two. Postfix ' +
        `(a process per session): PSS (and RSS) summed over its smtpd processes ÷ ${count}; RSS counts the shared libraries once ` +
        'per process and overstates it.',
      '',
      markdownTable(
        ['server', 'PSS KiB per connection', 'RSS KiB per connection', 'live heap KiB per connection', 'each rep'],
        [
          ['Mailward', fmt(mailward.pssKiB, 1), fmt(mailward.rssKiB, 1), fmt(mailward.liveKiB, 1), mailward.reps.map((r) => r.detail).join('; ')],
          ['Postfix', fmt(postfix.pssKiB, 1), fmt(postfix.rssKiB, 1), '—', postfix.reps.map((r) => r.detail).join('; ')],
        ],
      ),
      '',
    );
  }
  if (results.profiles?.length) {
    const ps = results.profiles;
    const share = (r) => `${fmt(100 * r.share, 1)}%`;
    out.push(
      '**Profile of Mailward** (`node --cpu-prof` on a second serve child with a fresh data dir, one run after a warm-up, at ' +
        `${ps.map((p) => `${caseName(p.case)}: ${fmt(p.acceptedPerSecond)} msg/s while profiled, main thread ${fmt(p.busyMs)} ms busy and ` + `${fmt(p.idleMs)} ms idle`).join('; ')}` +
        '). Idle means waiting for the libuv pool or the client; shares are of the busy time. Time in a synchronous native call ' +
        "(better-sqlite3, including COMMIT's fsync) counts as the calling function's self time; after an `await` a function's " +
        'continuation runs from the microtask queue, so async callers are not on the stack of their callees.',
      '',
      markdownTable(
        ['inclusive main-thread time (whatever is on the stack; rows overlap)', ...ps.map((p) => caseName(p.case))],
        PROFILE_CATEGORIES.map((category, i) => [category.label, ...ps.map((p) => share(p.inclusive[i]))]),
      ),
      '',
    );
    for (const p of ps) {
      out.push(
        markdownTable([`${caseName(p.case)}: self time by function`, 'share'], p.bySelf.slice(0, 12).map((r) => [r.name, share(r)])),
        '',
        markdownTable([`${caseName(p.case)}: self time by module`, 'share'], p.byModule.slice(0, 8).map((r) => [r.name, share(r)])),
        '',
      );
    }
  }
  if (notes.lines.length) out.push(...notes.lines, '');
  return out.join('\n');
}


async function main(options) {
  const log = (line) => console.log(line);
  USERS = Array.from({ length: options.accounts }, (_, i) => `${USER}${i + 1}`);
  RECIPIENTS = USERS.map((name) => `${name}@${DOMAIN}`);
  const notes = { loadStart: '', loadEnd: '', coresStart: Number.NaN, coresEnd: Number.NaN, lines: [] };
  const install = ensurePostfix(log);
  if (install.installedNow) notes.lines.push('Postfix was installed from Debian by this run.');

  const base = fs.mkdtempSync(path.join(options.dir, 'mailward-bench-smtp-'));
  // Postfix's daemons (user postfix) and virtual(8) (uid nobody) must walk into it; mkdtemp makes it 0700.
  fs.chmodSync(base, 0o755);
  const info = setting(base);
  if (/tmpfs|ramfs/.test(info.fs)) {
    const line = `Warning: ${base} is on ${info.fs}, where fsync costs nothing; durable-write numbers mean little (use --dir on a disk).`;
    console.log(line);
    notes.lines.push(line);
  }
  notes.loadStart = loadavg();
  notes.coresStart = await effectiveCores();
  log(
    `bench:smtp on ${info.nproc} × ${info.cpu}, Node ${info.node}, Postfix ${info.postfix}, nice ${info.nice}, load ${notes.loadStart}, ` +
      `effective cores ${notes.coresStart.toFixed(2)}; data on ${info.fs} under ${base}`,
  );

  const servers = [];
  const results = { cases: [] };
  let failed = false;
  // Ctrl-C or a kill: stop both servers (Postfix would outlive us) and remove the directory first.
  const onSignal = (signal) => {
    console.error(`\nbench:smtp: ${signal}; stopping the servers`);
    void Promise.all(servers.map((server) => server.instance.stop().catch(() => undefined))).then(() => {
      if (!options.keep) fs.rmSync(base, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // (a) Mailward: data dir prepared with the CLI, then `serve` as a child.
    const dataDir = path.join(base, 'mailward');
    fs.mkdirSync(dataDir, { mode: 0o700 });
    prepareMailward({ dataDir, domain: DOMAIN, users: USERS });
    const mailwardPort = await freePort();
    // --expose-gc and a SIGUSR2 handler (gc-on-signal.mjs) let the memory test collect garbage before it reads.
    const gcPreload = new URL('./gc-on-signal.mjs', import.meta.url).href;
    const mailward = await startMailward({
      dataDir,
      port: mailwardPort,
      logFile: path.join(base, 'mailward.log'),
      nodeArgs: ['--expose-gc', '--import', gcPreload],
      gcStatsFile: path.join(base, 'mailward-gc-stats.json'),
    });
    servers.push({ name: 'mailward', port: mailwardPort, instance: mailward, accepted: 0 });
    // (b) Postfix: a private instance on another high port.
    const postfixPort = await freePort();
    const postfix = await startPostfix({ dir: path.join(base, 'postfix'), port: postfixPort, domain: DOMAIN, users: USERS, processLimit: Math.max(100, options.idle + 100) });
    servers.push({ name: 'postfix', port: postfixPort, instance: postfix, accepted: 0 });
    const [mw, pf] = servers;
    log(`  mailward pid ${mailward.pid} on 127.0.0.1:${mailwardPort}; postfix master pid ${postfix.pid} on 127.0.0.1:${postfixPort}`);
    for (const server of servers) {
      const { sessions, ehlo } = await openSessions({ host: '127.0.0.1', port: server.port, count: 1 });
      await sessions[0].quit();
      results[`${server.name}Ehlo`] = ehlo;
    }

    // Memory first, on fresh servers (Postfix's smtpd processes linger after a load).
    if (options.idle > 0) {
      log(`\nmemory per idle connection, ${options.idle} sessions after EHLO`);
      results.idle = { count: options.idle, mailward: await measureIdle(mw, options.idle, log), postfix: await measureIdle(pf, options.idle, log) };
      // Let the idle smtpd processes go (reload ends them once their session is over).
      execSync(`postfix -c ${JSON.stringify(postfix.etc)} reload`, { stdio: 'ignore' });
      await sleep(2000);
    }

    let run = 0;
    for (const [s, sizeKB] of options.sizes.entries()) {
      const message = buildMessage({ totalBytes: sizeKB * 1024, to: RECIPIENT });
      const perConnection = options.messages[s];
      for (const connections of options.connections) {
        const c = { sizeKB, connections, perConnection, message };
        log(`\n${caseName(c)}: ${perConnection} messages per connection, ${message.size} bytes each`);
        for (const server of servers) await measure(server, { c, perConnection: Math.max(5, Math.ceil(perConnection / 3)), run: ++run, log, label: 'warm-up' });
        const runs = { mailward: [], postfix: [] };
        for (let round = 0; round < options.rounds; round++) {
          const order = round % 2 === 0 ? servers : [...servers].reverse();
          for (const server of order) runs[server.name].push(await measure(server, { c, perConnection, run: ++run, log, label: `run ${round + 1}` }));
        }
        const side = (list) => ({
          runs: list,
          median: median(list.map((r) => r.perSecond)),
          deliveredMedian: median(list.map((r) => r.deliveredPerSecond)),
          cpuMedian: median(list.map((r) => r.serverCpuMsPerMessage)),
        });
        const entry = {
          sizeKB,
          connections,
          perConnection,
          mailward: side(runs.mailward),
          postfix: side(runs.postfix),
          clientCpuMedian: median([...runs.mailward, ...runs.postfix].map((r) => r.clientCpuMsPerMessage)),
        };
        entry.ratio = entry.mailward.median / entry.postfix.median;
        log(`  → Mailward ÷ Postfix: ${fmt(entry.ratio, 2)}× accepted, ${fmt(entry.mailward.median / entry.postfix.deliveredMedian, 2)}× delivered`);
        results.cases.push(entry);
      }
    }

    // Did everything acknowledged really land?
    results.check = {
      mailwardAccepted: mw.accepted,
      mailwardStored: await mailward.storedMessages(),
      postfixAccepted: pf.accepted,
      postfixDelivered: postfix.deliveredTotal(),
      postfixQueued: postfix.queued(),
    };
    log(
      `\ncheck: Mailward stored ${results.check.mailwardStored} of ${results.check.mailwardAccepted} acknowledged; ` +
        `Postfix Maildir has ${results.check.postfixDelivered} of ${results.check.postfixAccepted} (${results.check.postfixQueued} queued)`,
    );
    if (results.check.mailwardStored !== results.check.mailwardAccepted) notes.lines.push('**Mailward stored a different number of messages than it acknowledged.**');
    if (results.check.postfixDelivered !== results.check.postfixAccepted) notes.lines.push('**Postfix delivered a different number of messages than it acknowledged.**');
    const pfProblems = postfix.problems();
    if (pfProblems.length) {
      log(`postfix logged ${pfProblems.length} warnings/errors, first: ${pfProblems[0]}`);
      notes.lines.push(`Postfix logged ${pfProblems.length} warnings or errors; the first: \`${pfProblems[0].slice(0, 200)}\``);
    }
    const mwProblems = mailward.problems();
    if (mwProblems.length) {
      log(`mailward logged ${mwProblems.length} lines at warn or above, first: ${mwProblems[0].slice(0, 300)}`);
      notes.lines.push(`Mailward logged ${mwProblems.length} lines at warn or above; the first: \`${mwProblems[0].slice(0, 200)}\``);
    }

    if (options.profile !== 'never') {
      // Each size whose target was missed (every size with --profile), at the most connections asked for.
      const missedSize = (sizeKB) => results.cases.some((c) => c.sizeKB === sizeKB && TARGETS.throughput.some((t) => t.sizeKB === c.sizeKB && t.connections === c.connections && c.ratio < t.ratio));
      results.profiles = [];
      for (const [sizeIndex, sizeKB] of options.sizes.entries()) {
        if (options.profile === 'if-missed' && !missedSize(sizeKB)) continue;
        const c = { sizeKB, connections: Math.max(...options.connections), message: buildMessage({ totalBytes: sizeKB * 1024, to: RECIPIENT }) };
        log(`\nprofiling Mailward under ${caseName(c)}`);
        // The measuring servers stay idle meanwhile.
        const p = await profileMailward({ base, c, perConnection: options.messages[sizeIndex], log });
        results.profiles.push({ ...p, case: c });
        log(`  busy ${fmt(p.busyMs)} ms, idle ${fmt(p.idleMs)} ms; top modules:`);
        for (const r of p.byModule.slice(0, 8)) log(`    ${fmt(100 * r.share, 1).padStart(5)}%  ${r.name}`);
        log('  top functions (self):');
        for (const r of p.bySelf.slice(0, 12)) log(`    ${fmt(100 * r.share, 1).padStart(5)}%  ${r.name}`);
        log('  inclusive:');
        for (const r of p.inclusive) log(`    ${fmt(100 * r.share, 1).padStart(5)}%  ${r.name}`);
        if (options.keep) log(`  profile: ${p.file}`);
      }
    }
  } catch (error) {
    failed = true;
    console.error(`bench:smtp: ${error.stack ?? error.message}`);
  } finally {
    for (const server of servers) await server.instance.stop().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (options.keep) log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
  if (failed) return 1;

  notes.loadEnd = loadavg();
  notes.coresEnd = await effectiveCores();
  log(`\nload ${notes.loadEnd}, effective cores ${notes.coresEnd.toFixed(2)}`);

  console.log('\nResults');
  printTable(CASE_HEADERS, caseRows(results));
  console.log('');
  printTable(['measure', 'result', 'target', 'met'], summaryRows(results).map((row) => row.map((cell) => String(cell).replace(/\*\*/g, ''))));
  if (options.write) {
    writeResultsBlock({ name: 'smtp', section: SECTION, block: render(results, info, options, notes) });
    console.log(`\nWritten to ${RESULTS_FILE}`);
  }
  return 0;
}

process.exitCode = await runBench({ name: 'smtp', usage: USAGE, parse: parseOptions, needs: 'dist/cli/main.js', run: main });
