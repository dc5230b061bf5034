// IMAP side by side: the same client against Mailward and Dovecot in one run, many accounts each client on its own (login rate, SELECT+FETCH of metadata and full-body FETCH, cold after a restart and warm, memory per idle connection); writes bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchOptions } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { IMAPBenchClient } from './imap-client.mjs';
import { buildMessages } from './messages.mjs';
import { dovecotVersion, ensureDovecot, fillMaildir, startDovecot } from './dovecot.mjs';
import { prepareMailward, startMailward } from './mailward-imap.mjs';

const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const SECTION = '## IMAP (bench/imap)';

// --workers is Mailward's server.workers: serve processes sharing the port, as Dovecot's imap processes do.
const options = benchOptions(process.argv.slice(2), { accounts: '10', messages: '10000', clients: '10', seconds: '5', idle: '1000', rounds: '3', workers: '2' }, ['no-write']);
const ACCOUNTS = Number(options.accounts);
const MESSAGES = Number(options.messages);
/** Client i works on account i mod ACCOUNTS: with as many accounts as clients, each on its own, as on a server with users. */
const USERS = Array.from({ length: ACCOUNTS }, (_, i) => `bench${i + 1}@example.test`);
const CLIENTS = Number(options.clients);
const SECONDS = Number(options.seconds);
const IDLE = Number(options.idle);
const ROUNDS = Number(options.rounds);
const WORKERS = Number(options.workers);

async function login(port, user) {
  const client = await IMAPBenchClient.connect(port);
  await client.command(`LOGIN ${user} ${PASSWORD}`);
  return client;
}

/** Runs `iteration(client, port, user)` on `clients` connections (client i on USERS[i mod ACCOUNTS]) for `seconds`; returns counts per second and the server's CPU. */
async function timed(server, { clients, seconds, setup, iteration }) {
  const { port } = server;
  const conns = await Promise.all(Array.from({ length: clients }, async (_, i) => setup(port, USERS[i % USERS.length])));
  const cpuBefore = server.instance.cpuMs();
  const before = conns.map((c) => ({ fetches: c?.fetches ?? 0, bytes: c?.literalBytes ?? 0 }));
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let iterations = 0;
  await Promise.all(
    conns.map(async (client, i) => {
      while (performance.now() < deadline) {
        conns[i] = (await iteration(client, port, USERS[i % USERS.length])) ?? client;
        client = conns[i];
        iterations++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMs = server.instance.cpuMs() - cpuBefore;
  let fetches = 0;
  let bytes = 0;
  conns.forEach((c, i) => {
    fetches += (c?.fetches ?? 0) - (before[i]?.fetches ?? 0);
    bytes += (c?.literalBytes ?? 0) - (before[i]?.bytes ?? 0);
    c?.close();
  });
  return { perSecond: iterations / elapsed, fetchesPerSecond: fetches / elapsed, mbPerSecond: bytes / elapsed / 1e6, cpuMs, iterations, fetches, bytes };
}

const measures = {
  login: (server, seconds = SECONDS) =>
    timed(server, {
      clients: CLIENTS,
      seconds,
      setup: async () => null,
      iteration: async (_client, p, user) => {
        const client = await login(p, user);
        await client.command('LOGOUT').catch(() => undefined);
        client.close();
        return null;
      },
    }),
  metadata: (server, seconds = SECONDS) =>
    timed(server, {
      clients: CLIENTS,
      seconds,
      setup: login,
      iteration: async (client) => {
        await client.command('SELECT INBOX');
        await client.command('FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)');
      },
    }),
  bodies: (server, seconds = SECONDS) =>
    timed(server, {
      clients: CLIENTS,
      seconds,
      setup: async (p, user) => {
        const client = await login(p, user);
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
        Array.from({ length: Math.min(20, IDLE - i) }, async (_, j) => {
          const client = await login(port, USERS[(i + j) % USERS.length]);
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

/** Empties the kernel's page cache (root only); false where the machine does not allow it. */
function dropPageCache() {
  try {
    execSync('sync && echo 3 > /proc/sys/vm/drop_caches', { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  ensureDovecot();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-imap-bench-'));
  fs.chmodSync(root, 0o755);
  const messagesFor = (user) => buildMessages(MESSAGES, user);
  console.log(`building ${ACCOUNTS} accounts × ${MESSAGES} messages in Mailward and in Maildirs…`);
  const dataDir = path.join(root, 'mailward');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  let started = performance.now();
  await prepareMailward({ dataDir, users: USERS, password: PASSWORD, messagesFor });
  const mailwardFill = (performance.now() - started) / 1000;
  const dovecotDir = path.join(root, 'dovecot');
  fs.mkdirSync(dovecotDir);
  started = performance.now();
  for (const user of USERS) fillMaildir({ dir: dovecotDir, user, messages: messagesFor(user) });
  console.log(`filled in ${mailwardFill.toFixed(0)} s (Mailward, delivery path) and ${((performance.now() - started) / 1000).toFixed(0)} s (Maildir files)`);

  const mailwardPort = await freePort();
  const dovecotPort = await freePort();
  const servers = [
    { name: 'mailward', port: mailwardPort, start: () => startMailward({ dataDir, imapPort: mailwardPort, maxConnections: IDLE, workers: WORKERS }) },
    { name: 'dovecot', port: dovecotPort, start: () => startDovecot({ dir: dovecotDir, imapPort: dovecotPort, users: USERS, password: PASSWORD, maxConnections: IDLE }) },
  ];
  const results = { login: {}, metadata: {}, bodies: {}, coldMetadata: {}, coldBodies: {}, idle: {} };
  let pageCacheDropped = false;
  const problems = [];
  try {
    // Dovecot builds its index on first access (its delivery agent would have at delivery): one
    // pass over every account before anything is measured, then both servers restart.
    for (const s of servers) {
      s.instance = await s.start();
      await measures.metadata(s, Math.max(2, Math.ceil(ACCOUNTS / CLIENTS) * 2)).catch((e) => console.error(s.name, e.message));
      await s.instance.stop();
    }
    // Cold: a fresh process and, where allowed, an empty page cache; one round of metadata, then one of bodies.
    for (const s of servers) {
      pageCacheDropped = dropPageCache();
      s.instance = await s.start();
      results.coldMetadata[s.name] = [await measures.metadata(s)];
      results.coldBodies[s.name] = [await measures.bodies(s)];
      console.log(`cold ${s.name}: ${fmt(results.coldMetadata[s.name][0].fetchesPerSecond)} metadata FETCH responses/s, ${fmt(results.coldBodies[s.name][0].mbPerSecond, 1)} MB/s of bodies`);
    }
    // Warm: rounds with the servers alternating.
    for (const name of ['login', 'metadata', 'bodies']) {
      for (const s of servers) results[name][s.name] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of round % 2 ? [...servers].reverse() : servers) {
          const r = await measures[name](s);
          results[name][s.name].push(r);
          console.log(`${name} round ${round + 1} ${s.name}: ${fmt(r.perSecond, 1)} iterations/s, ${fmt(r.fetchesPerSecond)} FETCH responses/s, ${fmt(r.mbPerSecond, 1)} MB/s, server CPU ${fmt(r.cpuMs / 1000, 1)} s`);
        }
      }
    }
    for (const s of servers) {
      results.idle[s.name] = await idleMemory(s.instance, s.port);
      const live = results.idle[s.name].liveKiB;
      console.log(`idle ${s.name}: ${fmt(results.idle[s.name].perConnectionKiB, 1)} KiB per connection${live === undefined ? '' : ` (live heap ${fmt(live, 1)} KiB)`}`);
    }
  } finally {
    const mailward = servers[0].instance;
    if (mailward) problems.push(...mailward.problems());
    for (const s of servers) await s.instance?.stop();
    if (problems.length) console.log(`mailward logged:\n${problems.slice(0, 20).join('\n')}`);
  }

  const m = (name, server, field) => median(results[name][server].map((r) => r[field]));
  /** Server CPU per unit of work, median over rounds. */
  const cpu = (name, server, per) => median(results[name][server].map((r) => r.cpuMs / Math.max(1, per(r))));
  const perLogin = (r) => r.iterations;
  const perThousandMessages = (r) => r.fetches / 1000;
  const perMB = (r) => r.bytes / 1e6;
  const rows = [
    ['LOGIN + LOGOUT (argon2id), per second', 'login', 'perSecond', 1, perLogin, 'ms a login'],
    ['SELECT + FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE), messages/s, cold', 'coldMetadata', 'fetchesPerSecond', 0, perThousandMessages, 'ms per 1,000 messages'],
    ['the same, warm', 'metadata', 'fetchesPerSecond', 0, perThousandMessages, 'ms per 1,000 messages'],
    [`FETCH 1:${Math.min(1000, MESSAGES)} BODY.PEEK[], MB/s, cold`, 'coldBodies', 'mbPerSecond', 1, perMB, 'ms per MB'],
    ['the same, warm', 'bodies', 'mbPerSecond', 1, perMB, 'ms per MB'],
  ];
  const idleRatio = results.idle.mailward.perConnectionKiB / results.idle.dovecot.perConnectionKiB;
  const table = [
    '| measure | Mailward | Dovecot | ratio | target | met | server CPU, Mailward / Dovecot |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(([label, name, field, digits, per, unit]) => {
      const a = m(name, 'mailward', field);
      const b = m(name, 'dovecot', field);
      return `| ${label} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${fmt(a / b, 2)}× | ≥ 1.0× | ${a / b >= 1 ? 'yes' : '**no**'} | ${fmt(cpu(name, 'mailward', per), 1)} / ${fmt(cpu(name, 'dovecot', per), 1)} ${unit} |`;
    }),
    `| memory per idle connection (${IDLE} connections, SELECTed, in IDLE; PSS growth, for Mailward after a full GC and at least its live-heap growth: PSS ${fmt(results.idle.mailward.pssKiB, 1)}, live heap ${fmt(results.idle.mailward.liveKiB, 1)} KiB) | ${fmt(results.idle.mailward.perConnectionKiB, 1)} KiB | ${fmt(results.idle.dovecot.perConnectionKiB, 1)} KiB | ${fmt(idleRatio, 3)}× | ≤ 0.1× | ${idleRatio <= 0.1 ? 'yes' : '**no**'} | |`,
  ].join('\n');
  const rounds = ['login', 'metadata', 'bodies']
    .map((name) => `- ${name}: ` + Object.entries(results[name]).map(([server, rs]) => `${server} ${rs.map((r) => fmt(name === 'bodies' ? r.mbPerSecond : name === 'login' ? r.perSecond : r.fetchesPerSecond, 1)).join(' / ')}`).join('; '))
    .join('\n');
  const block = [
    `Run ${new Date().toISOString()} — \`npm run bench:imap -- --accounts ${ACCOUNTS} --messages ${MESSAGES} --clients ${CLIENTS} --seconds ${SECONDS} --idle ${IDLE} --rounds ${ROUNDS} --workers ${WORKERS}\``,
    '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'n/a'}); ${os.type()} ${os.release()}; Node ${process.version}; ${dovecotVersion().split(' ')[0] ? `Dovecot ${dovecotVersion().split(' ')[0]}` : ''}; load average at end ${os.loadavg().map((n) => n.toFixed(2)).join(', ')}.`,
    `Both servers on 127.0.0.1 without TLS; ${ACCOUNTS} accounts × ${MESSAGES} messages of ~4 KB in INBOX (Mailward: stored through its delivery path in ${mailwardFill.toFixed(0)} s; Dovecot: Maildir, index built by a pass before measuring); every account with the same argon2id password (m=19 MiB, t=2, p=1); the same client (bench/imap/imap-client.mjs), ${CLIENTS} connections, client i on account i mod ${ACCOUNTS}; ${SECONDS} s per round. Cold: one round right after the server started${pageCacheDropped ? ' with the page cache emptied' : ' (the page cache could not be emptied here)'}; warm: median of ${ROUNDS} rounds, servers alternating. Dovecot in its high-performance login mode (service_count = 0); Mailward with server.workers = ${WORKERS}. Memory is PSS summed over each server's process tree.`,
    '',
    table,
    '',
    'Warm rounds:',
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
