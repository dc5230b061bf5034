// The webmail's weight and speed: gzipped JavaScript of the first page, and how long a 10,000-message folder takes to show its first rows in Chromium; writes bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { benchOptions } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { REPO, otherListenersOff, startServeProcess } from '../serve-process.mjs';
import { buildMessages } from '../imap/messages.mjs';
import { prepareMailward } from '../imap/mailward-imap.mjs';
import { freePort } from '../smtp/mailward.mjs';

const USER = 'bench@example.test';
const PASSWORD = 'Quartz-Meadow-Lantern-4821';
const SECTION = '## Webmail (bench/web)';
const WEB = path.join(REPO, 'dist', 'web');
const CHROMIUM = '/usr/bin/chromium';
const TARGET_JS_KB = 150;
const TARGET_FIRST_ROWS_MS = 300;

const options = benchOptions(process.argv.slice(2), { messages: '10000', rounds: '9' }, ['no-write']);
const MESSAGES = Number(options.messages);
const ROUNDS = Number(options.rounds);

/**
 * The JavaScript the first page loads before it can draw: the entry script and every module it
 * preloads, as index.html names them (a lazy chunk loaded later would not count).
 */
function firstPageAssets() {
  const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  return [...new Set(refs)].map((ref) => {
    const body = fs.readFileSync(path.join(WEB, ref));
    return { ref, kind: ref.endsWith('.css') ? 'css' : 'js', bytes: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(0)} ms`;

async function main() {
  if (!fs.existsSync(path.join(WEB, 'index.html'))) throw new Error('dist/web is missing: run npm run build (npm run bench:web does)');
  const assets = firstPageAssets();
  const jsGzip = assets.filter((a) => a.kind === 'js').reduce((sum, a) => sum + a.gzip, 0);
  const jsRaw = assets.filter((a) => a.kind === 'js').reduce((sum, a) => sum + a.bytes, 0);
  const cssGzip = assets.filter((a) => a.kind === 'css').reduce((sum, a) => sum + a.gzip, 0);
  console.log(`first page: JavaScript ${kb(jsRaw)} (${kb(jsGzip)} gzipped), CSS ${kb(cssGzip)} gzipped`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-web-bench-'));
  let server;
  let browser;
  try {
    console.log(`filling INBOX with ${MESSAGES} messages…`);
    await prepareMailward({ dataDir, address: USER, password: PASSWORD, messages: buildMessages(MESSAGES, USER) });
    const httpPort = await freePort();
    server = await startServeProcess({
      dataDir,
      port: httpPort,
      env: {
        ...process.env,
        MAILWARD_LOG_LEVEL: 'warn',
        MAILWARD_LISTENERS_HTTP_HOST: '127.0.0.1',
        MAILWARD_LISTENERS_HTTP_PORT: String(httpPort),
        ...otherListenersOff(['http']),
      },
    });
    const base = `http://127.0.0.1:${httpPort}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${base}/`);
    await page.locator('input[autocomplete="username"]').fill(USER);
    await page.locator('input[autocomplete="current-password"]').fill(PASSWORD);
    await page.locator('form button[type="submit"]').first().click();
    await page.getByText(/^Bench message \d+/).first().waitFor();

    // (1) A full load of the folder (script, session, folders, first page of the list), the
    // browser's cache warm as for a returning user; timed from navigation start to the first row.
    const load = [];
    // (2) The list answer alone, measured in the page with fetch: the server's share of (1).
    const api = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      await page.goto(`${base}/mail`);
      await page.getByText(/^Bench message \d+/).first().waitFor();
      const elapsed = await page.evaluate('performance.now()');
      const listed = await page.evaluate(`(async () => {
        const started = performance.now();
        const answer = await fetch('/api/v1/mail/folders/INBOX/messages?limit=50', { credentials: 'same-origin' });
        await answer.json();
        return performance.now() - started;
      })()`);
      // The first round fills the browser's cache and the server's; it is not counted.
      if (round === 0) continue;
      load.push(elapsed);
      api.push(listed);
    }
    // (3) Opening the folder inside the running webmail, as a user clicks it: from the click on
    // "Inbox" (coming from the empty Sent folder) to the first row on the screen.
    const folders = page.getByRole('navigation', { name: 'Folders' });
    const open = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      await folders.getByRole('button', { name: /^Sent/ }).click();
      await page.getByText(/^Bench message \d+/).first().waitFor({ state: 'detached' });
      const started = await page.evaluate('performance.now()');
      await folders.getByRole('button', { name: /^Inbox/ }).click();
      await page.getByText(/^Bench message \d+/).first().waitFor();
      const elapsed = (await page.evaluate('performance.now()')) - started;
      if (round > 0) open.push(elapsed);
    }
    const openMedian = median(open);
    const loadMedian = median(load);
    const rows = [
      ['first page JavaScript, gzipped', kb(jsGzip), `≤ ${TARGET_JS_KB} KB`, jsGzip <= TARGET_JS_KB * 1024 ? 'yes' : '**no**'],
      [`open the ${MESSAGES.toLocaleString('en')}-message INBOX in the webmail: click to first rows, median of ${ROUNDS}`, `${ms(openMedian)} (p90 ${ms(percentile(open, 90))})`, `≤ ${TARGET_FIRST_ROWS_MS} ms`, openMedian <= TARGET_FIRST_ROWS_MS ? 'yes' : '**no**'],
      [`load /mail afresh (script, session, folders, list) to first rows, median of ${ROUNDS}`, `${ms(loadMedian)} (p90 ${ms(percentile(load, 90))})`, `≤ ${TARGET_FIRST_ROWS_MS} ms`, loadMedian <= TARGET_FIRST_ROWS_MS ? 'yes' : '**no**'],
      ['list API, first 50 rows, median', `${ms(median(api))} (p90 ${ms(percentile(api, 90))})`, '—', '—'],
    ];
    const block = [
      `Run ${new Date().toISOString()} — \`npm run bench:web\``,
      '',
      `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}); ${os.type()} ${os.release()}; Node ${process.version}; Chromium ${browser.version()}. Load average at end ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}.`,
      '',
      '| measure | result | target | met |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `First-page assets: ${assets.map((a) => `${a.ref} ${kb(a.bytes)} → ${kb(a.gzip)} gzipped`).join('; ')}.`,
      '',
      `Every round: ${open.map((v) => v.toFixed(0)).join(', ')} ms (open); ${load.map((v) => v.toFixed(0)).join(', ')} ms (load); ${api.map((v) => v.toFixed(0)).join(', ')} ms (API).`,
    ].join('\n');
    console.log(block);
    if (!options['no-write']) writeResultsBlock({ name: 'web', section: SECTION, block });
  } finally {
    await browser?.close();
    await server?.stop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
