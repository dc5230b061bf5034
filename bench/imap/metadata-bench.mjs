// Metadata FETCH over many accounts (issue 16): N accounts × M messages of ~4 KB, one client per account, SELECT + FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE) after a server start (cold) and again (warm); messages/s and server CPU.
// Usage: npm run build && node bench/imap/metadata-bench.mjs --data /tmp/mw-meta [--accounts 10] [--messages 10000] [--warm 3] [--fill-only]
// A data directory that already holds the accounts is reused as it is (filled once, benched many times).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchOptions } from '../bench-cli.mjs';
import { BIN, REPO } from '../serve-process.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { IMAPBenchClient } from './imap-client.mjs';
import { buildMessages } from './messages.mjs';
import { startMailward } from './mailward-imap.mjs';

const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const options = benchOptions(process.argv.slice(2), { data: undefined, accounts: '10', messages: '10000', warm: '3' }, ['fill-only']);
if (!options.data) throw new Error('--data DIR is required');
const ACCOUNTS = Number(options.accounts);
const MESSAGES = Number(options.messages);
const address = (n) => `bench${n}@example.test`;

function cli(dataDir, args, input) {
  return execFileSync(process.execPath, [BIN, '--data', dataDir, ...args], { encoding: 'utf8', input, env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' } });
}

/** Every account through the CLI, then every message through MailStore.deliverBatch (100 to a transaction). */
async function fill(dataDir) {
  fs.mkdirSync(dataDir, { recursive: true });
  cli(dataDir, ['domain', 'add', 'example.test']);
  for (let n = 0; n < ACCOUNTS; n++) cli(dataDir, ['user', 'add', address(n), '--password-stdin'], `${PASSWORD}\n`);
  const { openApp, createLogger } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const app = await openApp({ dataDir, config: loadConfig({ env: {} }), logger: createLogger({ level: 'warn' }), env: {} });
  try {
    for (let n = 0; n < ACCOUNTS; n++) {
      const account = await app.accounts.getUser(address(n));
      const messages = buildMessages(MESSAGES, address(n));
      const base = Date.now() - MESSAGES * 1000;
      for (let i = 0; i < messages.length; i += 100) {
        const items = messages.slice(i, i + 100).map((raw) => ({ raw, targets: [{ accountId: account.id }] }));
        await app.mail.deliverBatch({ items, internalDate: base + i * 1000 });
      }
      console.log(`filled ${address(n)}: ${MESSAGES} messages`);
    }
  } finally {
    await app.close();
  }
  fs.writeFileSync(path.join(dataDir, 'bench-filled'), `${ACCOUNTS} ${MESSAGES}\n`);
}

/** One pass: every client SELECTs and FETCHes its INBOX at once; FETCH responses per second and server CPU over the pass. */
async function pass(server, clients) {
  const cpuBefore = server.cpuMs();
  const before = clients.map((c) => c.fetches);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      await client.command('SELECT INBOX');
      await client.command('FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE)');
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const fetched = clients.reduce((sum, c, i) => sum + c.fetches - before[i], 0);
  return { messages: fetched, seconds, perSecond: fetched / seconds, cpuSeconds: (server.cpuMs() - cpuBefore) / 1000 };
}

async function main() {
  const dataDir = path.resolve(options.data);
  if (!fs.existsSync(path.join(dataDir, 'bench-filled'))) {
    const started = performance.now();
    await fill(dataDir);
    console.log(`fill: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (options['fill-only']) return;
  const port = await freePort();
  const server = await startMailward({ dataDir, imapPort: port, maxConnections: ACCOUNTS * 2 });
  try {
    const clients = await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, n) => {
        const client = await IMAPBenchClient.connect(port);
        await client.command(`LOGIN ${address(n)} ${PASSWORD}`);
        return client;
      }),
    );
    const fmt = (r) => `${r.messages} messages in ${r.seconds.toFixed(2)} s: ${Math.round(r.perSecond).toLocaleString('en-US')} messages/s, server CPU ${r.cpuSeconds.toFixed(2)} s`;
    console.log(`cold: ${fmt(await pass(server, clients))}`);
    for (let i = 0; i < Number(options.warm); i++) console.log(`warm ${i + 1}: ${fmt(await pass(server, clients))}`);
    for (const client of clients) client.close();
  } finally {
    const problems = server.problems().filter((line) => !line.includes('"level":30'));
    await server.stop();
    if (problems.length) console.log(`mailward logged:\n${problems.slice(0, 10).join('\n')}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
