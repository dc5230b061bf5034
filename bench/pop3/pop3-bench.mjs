// POP3 side by side: login + LIST + RETR of a window of a large maildrop + QUIT, sessions per second and MB/s with N concurrent download clients each on its own account, cold after a restart and warm, against Mailward and a standalone Dovecot in one run; writes bench/RESULTS.md.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchOptions } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { dovecotVersion, ensureDovecot, fillMaildir, startDovecot } from '../imap/dovecot.mjs';
import { prepareMailward, startMailward } from './mailward-pop3.mjs';
import { downloadSession } from './pop3-client.mjs';

const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const SECTION = '## POP3 (bench/pop3)';

// --workers is Mailward's server.workers: serve processes sharing the port, as Dovecot's pop3 processes do.
const options = benchOptions(
  process.argv.slice(2),
  { clients: '10', messages: '10000', retr: '100', size: '4096', seconds: '10', rounds: '3', workers: '2' },
  ['untuned', 'no-write', 'help'],
);
if (options.help) {
  console.log(`node bench/pop3/pop3-bench.mjs [--clients 10] [--messages 10000] [--retr 100] [--size 4096] [--seconds 10] [--rounds 3] [--workers 2] [--untuned] [--no-write]

Each client is its own account (a POP3 maildrop takes one session at a time) holding --messages
messages, and runs sessions back to back: USER, PASS, LIST, RETR of --retr messages (the next
window each session), QUIT. Cold: one round right after both servers restart, with the page cache
emptied where allowed; warm: --rounds rounds. Both servers without TLS on 127.0.0.1, the
same argon2id password hash, the same client. --untuned runs Dovecot's default login processes
(one per connection) instead of the high-performance mode. --workers sets Mailward's server.workers.`);
  process.exit(0);
}
const CLIENTS = Number(options.clients);
const MESSAGES = Number(options.messages);
const RETR = Math.min(Number(options.retr), MESSAGES);
const SIZE = Number(options.size);
const SECONDS = Number(options.seconds);
const ROUNDS = Number(options.rounds);
const TUNED = !options.untuned;
const USERS = Array.from({ length: CLIENTS }, (_, i) => `pop${i + 1}@example.test`);

/** Plain-text messages of about `size` octets, different per index. */
function buildMessages(count, size) {
  const words = 'mail server bench lake harbor kettle violet quartz meadow lantern river stone window garden'.split(' ');
  return Array.from({ length: count }, (_, i) => {
    const header =
      `From: Sender ${i % 97} <sender${i % 97}@example.net>\r\nTo: Bench <bench@example.test>\r\nSubject: POP3 bench message ${i}\r\n` +
      `Date: ${new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString().replace('GMT', '+0000')}\r\nMessage-ID: <pop3-bench-${i}@example.net>\r\n` +
      'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
    const lines = [];
    let length = header.length;
    let n = i + 1;
    while (length < size - 80) {
      const line = Array.from({ length: 11 }, () => words[(n = (n * 1103515245 + 12345) % 2147483648) % words.length]).join(' ');
      lines.push(line);
      length += line.length + 2;
    }
    return Buffer.from(`${header}${lines.join('\r\n')}\r\n`);
  });
}

/** Every client runs sessions on its own account until the deadline; returns rates and the server's CPU per session. */
async function round(server, seconds) {
  const cpuBefore = server.instance.cpuMs();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let sessions = 0;
  let bytes = 0;
  let messages = 0;
  await Promise.all(
    USERS.map(async (user, u) => {
      while (performance.now() < deadline) {
        const offset = ((sessions + u) * RETR) % MESSAGES;
        const r = await downloadSession(server.port, { user, password: PASSWORD, retr: RETR, offset });
        if (r.listed !== MESSAGES) throw new Error(`${server.name}: ${user} listed ${r.listed} messages, expected ${MESSAGES}`);
        sessions++;
        bytes += r.bytes;
        messages += r.messages;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMs = server.instance.cpuMs() - cpuBefore;
  return { sessionsPerSecond: sessions / elapsed, mbPerSecond: bytes / elapsed / 1e6, messagesPerSecond: messages / elapsed, cpuMsPerSession: cpuMs / sessions, sessions };
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

async function main() {
  ensureDovecot();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-pop3-bench-'));
  // Dovecot's mail processes run as the mail user and must reach the Maildirs.
  fs.chmodSync(root, 0o755);
  const messages = buildMessages(MESSAGES, SIZE);
  const loadStart = os.loadavg();
  console.log(`${CLIENTS} accounts × ${MESSAGES} messages of ~${SIZE} octets in Mailward and in Maildirs…`);
  const dataDir = path.join(root, 'mailward');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  await prepareMailward({ dataDir, users: USERS, password: PASSWORD, messages });
  const dovecotDir = path.join(root, 'dovecot');
  fs.mkdirSync(dovecotDir);
  for (const user of USERS) fillMaildir({ dir: dovecotDir, user, messages });

  const mailwardPort = await freePort();
  const dovecotPop3Port = await freePort();
  const dovecotImapPort = await freePort();
  const servers = [
    { name: 'mailward', port: mailwardPort, start: () => startMailward({ dataDir, pop3Port: mailwardPort, workers: Number(options.workers) }) },
    { name: 'dovecot', port: dovecotPop3Port, start: () => startDovecot({ dir: dovecotDir, imapPort: dovecotImapPort, pop3Port: dovecotPop3Port, users: USERS, password: PASSWORD, tuned: TUNED, maxConnections: CLIENTS * 4 }) },
  ];
  const results = { mailward: [], dovecot: [] };
  const cold = {};
  let pageCacheDropped = false;
  const problems = [];
  try {
    // Dovecot builds its indexes on first access (its delivery agent would have at delivery): every account once, then both restart.
    for (const s of servers) {
      s.instance = await s.start();
      await round(s, 2);
      await s.instance.stop();
    }
    // Cold: a fresh process and, where allowed, an empty page cache.
    for (const s of servers) {
      try {
        execSync('sync && echo 3 > /proc/sys/vm/drop_caches', { stdio: 'ignore' });
        pageCacheDropped = true;
      } catch {
        pageCacheDropped = false;
      }
      s.instance = await s.start();
      cold[s.name] = await round(s, SECONDS);
      console.log(`cold ${s.name}: ${fmt(cold[s.name].sessionsPerSecond, 1)} sessions/s, ${fmt(cold[s.name].cpuMsPerSession, 1)} ms server CPU per session`);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const result = await round(s, SECONDS);
        results[s.name].push(result);
        console.log(
          `round ${r + 1} ${s.name}: ${fmt(result.sessionsPerSecond, 1)} sessions/s, ${fmt(result.mbPerSecond, 1)} MB/s, ${fmt(result.messagesPerSecond)} RETR/s, ${fmt(result.cpuMsPerSession, 1)} ms server CPU per session`,
        );
      }
    }
  } finally {
    if (servers[0].instance) problems.push(...servers[0].instance.problems());
    for (const s of servers) await s.instance?.stop();
    if (problems.length) console.log(`mailward logged:\n${problems.slice(0, 20).join('\n')}`);
  }

  const m = (server, field) => median(results[server].map((r) => r[field]));
  const ratio = m('mailward', 'sessionsPerSecond') / m('dovecot', 'sessionsPerSecond');
  const table = [
    `| measure (${CLIENTS} clients, maildrops of ${fmt(MESSAGES)}, ${RETR} × ${fmt(SIZE / 1024, 0)} KB per session) | Mailward | Dovecot${TUNED ? ' (tuned)' : ''} | ratio | target | met |`,
    '|---|---|---|---|---|---|',
    `| sessions per second, cold (one round after a restart) | ${fmt(cold.mailward.sessionsPerSecond, 1)} | ${fmt(cold.dovecot.sessionsPerSecond, 1)} | ${fmt(cold.mailward.sessionsPerSecond / cold.dovecot.sessionsPerSecond, 2)}× | ≥ 1.0× | ${cold.mailward.sessionsPerSecond >= cold.dovecot.sessionsPerSecond ? 'yes' : '**no**'} |`,
    `| sessions per second, warm (login + LIST + RETR ${RETR} + QUIT) | ${fmt(m('mailward', 'sessionsPerSecond'), 1)} | ${fmt(m('dovecot', 'sessionsPerSecond'), 1)} | ${fmt(ratio, 2)}× | ≥ 1.0× | ${ratio >= 1 ? 'yes' : '**no**'} |`,
    `| MB/s of message data | ${fmt(m('mailward', 'mbPerSecond'), 1)} | ${fmt(m('dovecot', 'mbPerSecond'), 1)} | ${fmt(m('mailward', 'mbPerSecond') / m('dovecot', 'mbPerSecond'), 2)}× | | |`,
    `| RETR per second | ${fmt(m('mailward', 'messagesPerSecond'))} | ${fmt(m('dovecot', 'messagesPerSecond'))} | | | |`,
    `| server CPU per session (whole process tree), warm | ${fmt(m('mailward', 'cpuMsPerSession'), 1)} ms | ${fmt(m('dovecot', 'cpuMsPerSession'), 1)} ms | | | |`,
    `| server CPU per session, cold | ${fmt(cold.mailward.cpuMsPerSession, 1)} ms | ${fmt(cold.dovecot.cpuMsPerSession, 1)} ms | | | |`,
  ].join('\n');
  const perRound = Object.entries(results)
    .map(([server, rs]) => `- ${server}: ${rs.map((r) => `${fmt(r.sessionsPerSecond, 1)} sessions/s (${fmt(r.mbPerSecond, 1)} MB/s)`).join(' / ')}`)
    .join('\n');
  const version = dovecotVersion().split(' ')[0];
  const block = [
    `Run ${new Date().toISOString()} — \`npm run bench:pop3 -- --clients ${CLIENTS} --messages ${MESSAGES} --retr ${RETR} --size ${SIZE} --seconds ${SECONDS} --rounds ${ROUNDS} --workers ${options.workers}${TUNED ? '' : ' --untuned'}\``,
    '',
    `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'n/a'}); ${os.type()} ${os.release()}; Node ${process.version}; Dovecot ${version || 'n/a'} (Debian). Load average at start ${loadStart.map((n) => n.toFixed(2)).join(', ')}, at end ${os.loadavg().map((n) => n.toFixed(2)).join(', ')}.`,
    `Both servers on 127.0.0.1 without TLS (Mailward with pop3.allow_plaintext_auth), ${CLIENTS} accounts with the same ${MESSAGES} messages of ~${SIZE} octets in INBOX (Mailward: stored through its delivery path; Dovecot: Maildir, indexes built by a warm-up pass), every account with an argon2id password (m=19 MiB, t=2, p=1). ${CLIENTS} clients (bench/pop3/pop3-client.mjs), one per account, each running sessions back to back, one command at a time: USER, PASS, LIST, RETR of ${RETR} messages (the next window of the maildrop each session), QUIT (nothing deleted; both servers set \\Seen at QUIT). ${SECONDS} s per round; cold: one round right after both servers restarted${pageCacheDropped ? ' with the page cache emptied' : ' (the page cache could not be emptied here)'}; warm: median of ${ROUNDS} rounds, servers alternating. Dovecot ${TUNED ? 'in its high-performance login mode (service_count = 0, process_min_avail = 2)' : 'with default login processes'}. Mailward with server.workers = ${options.workers}. Server CPU is the whole process tree's user + system time.`,
    '',
    table,
    '',
    'Per round:',
    perRound,
  ].join('\n');
  console.log(`\n${block}\n`);
  if (!options['no-write']) writeResultsBlock({ name: 'pop3', section: SECTION, block });
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
