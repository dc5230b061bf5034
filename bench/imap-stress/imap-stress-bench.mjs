// Dovecot's imaptest in stress mode against Mailward and Dovecot in one run (10 and 50 clients on one mailbox, 60 s each by default): errors, and the logins, selects, fetches, stores, expunges and appends each server got through; writes bench/RESULTS.md.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchOptions, machine, runBench } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { freePort } from '../smtp/mailward.mjs';
import { dovecotVersion, ensureDovecot, startDovecot } from '../imap/dovecot.mjs';
import { prepareMailward, startMailward } from '../imap/mailward-imap.mjs';

const USAGE = `Usage: npm run bench:imap-stress -- [options]

  --clients LIST   client counts, one run of each per server (default 10,50)
  --seconds N      length of each run (default 60)
  --imaptest DIR   where imaptest and its tests are (default $IMAPTEST_DIR or /work/shared/tools/imaptest)
  --no-write       do not update bench/RESULTS.md
  --help`;

const USER = 'stress@example.test';
const PASSWORD = 'Lantern-Quartz-Meadow-7315';
/** imaptest's count columns that matter here, in its own abbreviations. */
const KINDS = ['Logi', 'Sele', 'Fetc', 'Fet2', 'Stor', 'Expu', 'Appe'];

/** Runs imaptest once; returns its totals by column and its Error: lines. */
function imaptest(dir, port, clients, seconds) {
  const args = ['host=127.0.0.1', `port=${port}`, `user=${USER}`, `pass=${PASSWORD}`, `mbox=${path.join(dir, 'tests', 'default.mbox')}`, `clients=${clients}`, `secs=${seconds}`];
  return new Promise((resolve, reject) => {
    execFile(path.join(dir, 'imaptest'), args, { timeout: (seconds + 120) * 1000, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error && error.killed) return reject(new Error(`imaptest did not finish:\n${output.slice(-2000)}`));
      const last = /Totals:\n([^\n]+)\n[^\n]+\n[^\n]*\n\s*([\d ]+)\s*$/.exec(output);
      if (!last) return reject(new Error(`imaptest printed no totals:\n${output.slice(-2000)}`));
      const values = last[2].trim().split(/\s+/).map(Number);
      const totals = Object.fromEntries(last[1].trim().split(/\s+/).map((name, i) => [name, values[i] ?? 0]));
      resolve({ totals, errors: output.split('\n').filter((line) => line.startsWith('Error:')) });
    });
  });
}

async function startStressMailward(work) {
  const dataDir = path.join(work, 'mailward');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  await prepareMailward({ dataDir, users: [USER], password: PASSWORD, messagesFor: () => [] });
  const port = await freePort();
  const serve = await startMailward({ dataDir, imapPort: port, maxConnections: 900 });
  return { port, serve, errors: () => serve.problems().filter((line) => /"level":(50|60)/.test(line)) };
}

function block(result) {
  const m = result.machine;
  const rows = [];
  for (const run of result.runs) {
    for (const [name, r] of [
      ['Mailward', run.mailward],
      ['Dovecot', run.dovecot],
    ]) {
      rows.push(`| ${run.clients} × ${run.seconds} s | ${name} | ${r.errors} | ${KINDS.map((k) => (r.totals[k] ?? 0).toLocaleString('en')).join(' | ')} | ${(r.cpuMs / 1000).toFixed(0)} s |`);
    }
    const ratio = (k) => ((run.mailward.totals[k] ?? 0) / Math.max(1, run.dovecot.totals[k] ?? 0)).toFixed(2);
    rows.push(`| | ratio | | ${KINDS.map((k) => `${ratio(k)}×`).join(' | ')} | |`);
  }
  return [
    `Run ${m.date} on ${m.nproc} × ${m.cpu}, ${m.kernel}, Node ${m.node}, nice ${m.nice}, load ${m.loadStart} → ${m.loadEnd}; Dovecot ${result.dovecot.split(" ")[0]}; imaptest's \`default.mbox\`, one mailbox, plain IMAP on loopback, argon2id passwords on both.`,
    '',
    `| clients × time | server | errors | ${KINDS.join(' | ')} | server CPU |`,
    `|---|---|---|${KINDS.map(() => '---|').join('')}---|`,
    ...rows,
  ].join('\n');
}

process.exitCode = await runBench({
  name: 'imap-stress',
  usage: USAGE,
  needs: 'dist/app/index.js',
  parse: (argv) => benchOptions(argv, { clients: '10,50', seconds: '60', imaptest: process.env.IMAPTEST_DIR ?? '/work/shared/tools/imaptest' }, ['no-write', 'help']),
  run: async (options) => {
    const dir = options.imaptest;
    if (!fs.existsSync(path.join(dir, 'imaptest'))) {
      console.error(`bench:imap-stress: no imaptest in ${dir} (--imaptest DIR)`);
      return 1;
    }
    ensureDovecot();
    const loadStart = os.loadavg()[0].toFixed(2);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-imap-stress-'));
    fs.chmodSync(work, 0o755);
    const mailward = await startStressMailward(work);
    const dovecotPort = await freePort();
    const dovecotDir = path.join(work, 'dovecot');
    fs.mkdirSync(path.join(dovecotDir, 'mail'), { recursive: true });
    execFileSync('chown', ['mail:mail', path.join(dovecotDir, 'mail')]);
    const dovecot = await startDovecot({ dir: dovecotDir, imapPort: dovecotPort, user: USER, password: PASSWORD, maxConnections: 200 });
    const result = { runs: [], dovecot: dovecotVersion() };
    let failed = false;
    try {
      for (const clients of options.clients.split(',').map(Number)) {
        const seconds = Number(options.seconds);
        const run = { clients, seconds };
        for (const [name, port, server] of [
          ['mailward', mailward.port, mailward.serve],
          ['dovecot', dovecotPort, dovecot],
        ]) {
          const cpu = server.cpuMs();
          const r = await imaptest(dir, port, clients, seconds);
          run[name] = { totals: r.totals, errors: r.errors.length, cpuMs: server.cpuMs() - cpu };
          console.log(`${clients} clients × ${seconds} s, ${name}: ${r.errors.length} errors; ${KINDS.map((k) => `${k} ${r.totals[k] ?? 0}`).join(', ')}`);
          for (const line of r.errors.slice(0, 5)) console.log(`  ${line}`);
          if (name === 'mailward' && r.errors.length > 0) failed = true;
        }
        result.runs.push(run);
      }
      const serverErrors = mailward.errors();
      if (serverErrors.length > 0) {
        console.error(`bench:imap-stress: Mailward logged ${serverErrors.length} errors; the first: ${serverErrors[0].slice(0, 400)}`);
        failed = true;
      }
    } finally {
      await mailward.serve.stop();
      await dovecot.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
    result.machine = machine({ loadStart, loadEnd: os.loadavg()[0].toFixed(2) });
    if (!options['no-write']) writeResultsBlock({ name: 'imap-stress', section: '## IMAP under concurrency (bench/imap-stress)', block: block(result) });
    return failed ? 1 : 0;
  },
});
