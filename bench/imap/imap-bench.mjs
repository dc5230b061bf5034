// IMAP side by side: the same client against Mailward and Dovecot in one run (login rate, SELECT+FETCH of metadata, full-body FETCH, memory per idle connection); writes bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchOptions } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { IMAPBenchClient } from './imap-client.mjs';
import { buildMessages } from './messages.mjs';
import { dovecotVersion, ensureDovecot, fillMaildir, startDovecot } from './dovecot.mjs';
import { prepareMailward, startMailward } from './mailward-imap.mjs';

const USER = 'bench@example.test';
const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const SECTION = '## IMAP (bench/imap)';

// --workers is Mailward's server.workers: serve processes sharing the port, as Dovecot's imap processes do.
const options = benchOptions(process.argv.slice(2), { messages: '10000', clients: '10', seconds: '5', idle: '1000', rounds: '3', workers: '2' }, ['no-write']);
const MESSAGES = Number(options.messages);
const CLIENTS = Number(options.clients);
const SECONDS = Number(options.seconds);
const IDLE = Number(options.idle);
const ROUNDS = Number(options.rounds);
const WORKERS = Number(options.workers);

async function login(port) {
  const client = await IMAPBenchClient.connect(port);
  await client.command(`LOGIN ${USER} ${PASSWORD}`);
  return client;
}

/** Runs `iteration(client)` on `clients` connections for `seconds`; returns counts per second. */
async function timed(port, { clients, seconds, setup, iteration }) {
  const conns = await Promise.all(Array.from({ length: clients }, async () => setup(port)));
  const before = conns.map((c) => ({ fetches: c?.fetches ?? 0, bytes: c?.literalBytes ?? 0 }));
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let iterations = 0;
  await Promise.all(
    conns.map(async (client, i) => {
      while (performance.now() < deadline) {
        conns[i] = (await iteration(client, port)) ?? client;
        client = conns[i];
        iterations++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  let fetches = 0;
  let bytes = 0;
  conns.forEach((c, i) => {
    fetches += (c?.fetches ?? 0) - (before[i]?.fetches ?? 0);
    bytes += (c?.literalBytes ?? 0) - (before[i]?.bytes ?? 0);
    c?.close();
  });
  return { perSecond: iterations / elapsed, fetchesPerSecond: fetches / elapsed, mbPerSecond: bytes / elapsed / 1e6 };
}

const measures = {
  login: (port) =>
    timed(port, {
      clients: CLIENTS,
      seconds: SECONDS,
      setup: async () => null,
      iteration: async (_client, p) => {
        const client = await login(p);
        await client.command('LOGOUT').catch(() => undefined);
        client.close();
        return null;
      },
    }),
  metadata: (port) =>
    timed(port, {
      clients: CLIENTS,
      seconds: SECONDS,
      setup: login,
      iteration: async (client) => {
        await client.command('SELECT INBOX');
        await client.command('FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)');
      },
    }),
  bodies: (port) =>
    timed(port, {
      clients: CLIENTS,
      seconds: SECONDS,
      setup: async (p) => {
        const client = await login(p);
        await client.command('EXAMINE INBOX');
        return client;
      },
      iteration: async (client) => {
        await client.command(`FETCH 1:${Math.min(1000, MESSAGES)} BODY.PEEK[]`);
      },
    }),
};

/**
 * PSS growth over IDLE connections. Mailward collects its garbage first at both readings (the
 * logins' and SELECTs' garbage is not connection memory); its live heap growth is reported beside.
 */
async function idleMemory(server, port) {
  await sleep(1000);
  const heapBefore = await server.collectGarbage?.();
  const before = server.memory();
  const clients = [];
  for (let i = 0; i < IDLE; i += 20) {
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, IDLE - i) }, async () => {
          const client = await login(port);
          await client.command('SELECT INBOX');
          await client.idle();
          return client;
        }),
      )),
    );
  }
  await sleep(3000);
  const heapAfter = await server.collectGarbage?.();
  await sleep(500);
  const after = server.memory();
  for (const client of clients) client.close();
  await sleep(1000);
  const liveKiB = heapBefore && heapAfter ? (heapAfter.heapUsed + heapAfter.external - heapBefore.heapUsed - heapBefore.external) / 1024 / IDLE : undefined;
  const pssKiB = (after.pss - before.pss) / IDLE;
  // PSS of one process moves with the heap's free room as much as with what connections hold: the
  // larger of PSS growth and live-heap growth is the figure (never below what the connections keep alive).
  return { perConnectionKiB: Math.max(pssKiB, liveKiB ?? -Infinity), pssKiB, liveKiB, beforeKiB: before.pss, afterKiB: after.pss, processes: after.processes };
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

async function main() {
  ensureDovecot();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-imap-bench-'));
  fs.chmodSync(root, 0o755);
  const messages = buildMessages(MESSAGES, USER);
  console.log(`building ${MESSAGES} messages in Mailward and in a Maildir…`);
  const dataDir = path.join(root, 'mailward');
  fs.mkdirSync(dataDir);
  await prepareMailward({ dataDir, address: USER, password: PASSWORD, messages });
  const dovecotDir = path.join(root, 'dovecot');
  fs.mkdirSync(dovecotDir);
  fillMaildir({ dir: dovecotDir, user: USER, messages });

  const mailwardPort = await freePort();
  const dovecotPort = await freePort();
  const mailward = await startMailward({ dataDir, imapPort: mailwardPort, maxConnections: IDLE, workers: WORKERS });
  const dovecot = await startDovecot({ dir: dovecotDir, imapPort: dovecotPort, user: USER, password: PASSWORD, maxConnections: IDLE });
  const servers = [
    { name: 'mailward', port: mailwardPort, instance: mailward },
    { name: 'dovecot', port: dovecotPort, instance: dovecot },
  ];
  const results = { login: {}, metadata: {}, bodies: {}, idle: {} };
  try {
    // Warm-up: Dovecot builds its index on first access, Mailward warms its caches.
    for (const s of servers) await measures.metadata(s.port).catch((e) => console.error(s.name, e.message));
    for (const [name, run] of Object.entries(measures)) {
      for (const s of servers) results[name][s.name] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of round % 2 ? [...servers].reverse() : servers) {
          const r = await run(s.port);
          results[name][s.name].push(r);
          console.log(`${name} round ${round + 1} ${s.name}: ${fmt(r.perSecond, 1)} iterations/s, ${fmt(r.fetchesPerSecond)} FETCH responses/s, ${fmt(r.mbPerSecond, 1)} MB/s`);
        }
      }
    }
    for (const s of servers) {
      results.idle[s.name] = await idleMemory(s.instance, s.port);
      const live = results.idle[s.name].liveKiB;
      console.log(`idle ${s.name}: ${fmt(results.idle[s.name].perConnectionKiB, 1)} KiB per connection${live === undefined ? '' : ` (live heap ${fmt(live, 1)} KiB)`}`);
    }
  } finally {
    const problems = mailward.problems();
    await mailward.stop();
    await dovecot.stop();
    if (problems.length) console.log(`mailward logged:\n${problems.slice(0, 20).join('\n')}`);
  }

  const m = (name, server, field) => median(results[name][server].map((r) => r[field]));
  const rows = [
    ['LOGIN + LOGOUT (argon2id), per second', m('login', 'mailward', 'perSecond'), m('login', 'dovecot', 'perSecond'), 1, 1],
    ['SELECT + FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE), messages/s', m('metadata', 'mailward', 'fetchesPerSecond'), m('metadata', 'dovecot', 'fetchesPerSecond'), 1, 0],
    [`FETCH 1:${Math.min(1000, MESSAGES)} BODY.PEEK[], MB/s`, m('bodies', 'mailward', 'mbPerSecond'), m('bodies', 'dovecot', 'mbPerSecond'), 1, 1],
  ];
  const idleRatio = results.idle.mailward.perConnectionKiB / results.idle.dovecot.perConnectionKiB;
  const table = [
    '| measure | Mailward | Dovecot | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map(([label, a, b, target, digits]) => `| ${label} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${fmt(a / b, 2)}× | ≥ ${target}.0× | ${a / b >= target ? 'yes' : '**no**'} |`),
    `| memory per idle connection (${IDLE} connections, SELECTed, in IDLE; PSS growth, for Mailward after a full GC and at least its live-heap growth: PSS ${fmt(results.idle.mailward.pssKiB, 1)}, live heap ${fmt(results.idle.mailward.liveKiB, 1)} KiB) | ${fmt(results.idle.mailward.perConnectionKiB, 1)} KiB | ${fmt(results.idle.dovecot.perConnectionKiB, 1)} KiB | ${fmt(idleRatio, 3)}× | ≤ 0.1× | ${idleRatio <= 0.1 ? 'yes' : '**no**'} |`,
  ].join('\n');
  const rounds = Object.entries(results)
    .filter(([name]) => name !== 'idle')
    .map(([name, byServer]) => `- ${name}: ` + Object.entries(byServer).map(([server, rs]) => `${server} ${rs.map((r) => fmt(name === 'bodies' ? r.mbPerSecond : name === 'login' ? r.perSecond : r.fetchesPerSecond, 1)).join(' / ')}`).join('; '))
    .join('\n');
  const block = [
    `Run ${new Date().toISOString()} — \`npm run bench:imap -- --messages ${MESSAGES} --clients ${CLIENTS} --seconds ${SECONDS} --idle ${IDLE} --rounds ${ROUNDS} --workers ${WORKERS}\``,
    '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'n/a'}); ${os.type()} ${os.release()}; Node ${process.version}; ${dovecotVersion().split(' ')[0] ? `Dovecot ${dovecotVersion().split(' ')[0]}` : ''}; load average at end ${os.loadavg().map((n) => n.toFixed(2)).join(', ')}.`,
    `Both servers on 127.0.0.1 without TLS, the same ${MESSAGES} messages of ~4 KB in INBOX (Mailward: stored through its delivery path; Dovecot: Maildir, index built by a warm-up pass), the same user with an argon2id password (m=19 MiB, t=2, p=1), the same client (bench/imap/imap-client.mjs), ${CLIENTS} connections, ${SECONDS} s per round, median of ${ROUNDS} rounds, servers alternating. Dovecot in its high-performance login mode (service_count = 0); Mailward with server.workers = ${WORKERS}. Memory is PSS summed over each server's process tree.`,
    '',
    table,
    '',
    'Per round:',
    rounds,
  ].join('\n');
  console.log(`\n${block}\n`);
  if (!options['no-write']) writeResultsBlock({ name: 'imap', section: SECTION, block });
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
