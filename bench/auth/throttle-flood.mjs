// Bench (b): a flood of attempts on a blocked (name, IP) pair: refusals per second, and the owner's login latency meanwhile.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { mainThreadCpuMs, median, nowMs, openBenchApp, processCpuMs, removeDir, summarize, tempDataDir } from './support.mjs';

const DOMAIN = 'flood.test';
const OWNER = `owner@${DOMAIN}`;
const PASSWORD = 'Tulip-Harbour-Lantern-9';
const OWNER_IP = '198.51.100.20';
const ATTACKER_IP = '203.0.113.66';

/**
 * The attacker hammers the owner's own account from another network after its (name, IP) pair was
 * blocked; the owner keeps signing in from a device they used before. Each flood attempt starts
 * from its own macrotask (setImmediate), as an attempt read from a socket would: the storage calls
 * under authenticate() are synchronous (better-sqlite3) behind promises, so a flood chained only
 * through promises would never let the event loop run, which no network flood can do.
 */
export async function benchThrottleFlood({ floodConcurrency, legitLogins, floodAloneMs, rounds, log }) {
  const dataDir = tempDataDir('mailward-bench-flood-');
  const app = await openBenchApp({ dataDir });
  try {
    await app.accounts.addDomain(DOMAIN);
    await app.accounts.addUser({ address: OWNER, password: PASSWORD });

    const ownerLogin = async () => {
      const start = nowMs();
      const result = await app.security.authenticate({ protocol: 'imap', username: OWNER, secret: PASSWORD, remoteIp: OWNER_IP, client: 'owner-mua', tls: true });
      const ms = nowMs() - start;
      if (!result.ok) throw new Error(`bench: the owner's login failed with ${result.code} (${result.reason})`);
      return ms;
    };
    const ownerSeries = async (count) => {
      const latencies = [];
      for (let i = 0; i < count; i++) latencies.push(await ownerLogin());
      return latencies;
    };

    // The attacker's attempts run on authenticate()'s injected clock (`now`), held just inside the
    // block once it is set: the first block lasts one minute, and on a slow or busy machine the
    // bench may take longer than that; a block expiring mid-run would turn refusals into hashes.
    let blockedUntil = 0;
    const attackerNow = () => (blockedUntil > 0 ? Math.min(Date.now(), blockedUntil - 2000) : Date.now());
    let attempt = 0;
    const attack = () =>
      app.security.authenticate({
        protocol: 'imap',
        username: OWNER,
        secret: `guess-${attempt++}`,
        remoteIp: ATTACKER_IP,
        client: 'flood',
        tls: true,
        now: attackerNow(),
      });
    /**
     * Blocks the attacker's pair with distinct wrong guesses (a repeated one is not counted again)
     * until the answer is AUTH_THROTTLED. Returns the failures it took.
     */
    const block = async () => {
      for (let failures = 0; failures < 50; failures++) {
        const now = Date.now();
        const result = await attack();
        if (!result.ok && result.code === 'AUTH_THROTTLED') {
          blockedUntil = now + result.retryAfterSeconds * 1000;
          return failures;
        }
      }
      throw new Error('bench: the attacker pair was never throttled');
    };

    let refused = 0;
    let leaked = 0;
    const flood = async (shouldStop) => {
      const loops = Array.from({ length: floodConcurrency }, async () => {
        while (!shouldStop()) {
          await nextTurn();
          const result = await attack();
          if (!result.ok && result.code === 'AUTH_THROTTLED') refused++;
          else leaked++;
        }
      });
      await Promise.all(loops);
    };
    const measureFlood = async (during) => {
      refused = 0;
      leaked = 0;
      let stop = false;
      const cpu0 = processCpuMs();
      const main0 = mainThreadCpuMs();
      const start = nowMs();
      const flooding = flood(() => stop);
      const extra = await during();
      stop = true;
      await flooding;
      const wallMs = nowMs() - start;
      const mainMs = mainThreadCpuMs() - main0;
      return {
        refused,
        leaked,
        wallMs,
        perSecond: (refused * 1000) / wallMs,
        // Refusals per second of main-thread CPU: the rate one fully busy core would sustain.
        perCoreSecond: (refused * 1000) / mainMs,
        mainThreadBusy: mainMs / wallMs,
        processCpuCores: (processCpuMs() - cpu0) / wallMs,
        extra,
      };
    };
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    // Warm-up; it also makes the owner's IP known to the account.
    await ownerSeries(30);
    const blockedAfter = await block();
    await measureFlood(() => sleep(1000));
    await app.security.flush();

    // Idle and flooded series alternate, so a drift in the machine's speed (other tenants) hits both.
    const series = [];
    for (let round = 0; round < rounds; round++) {
      const idle = summarize(await ownerSeries(legitLogins));
      const during = await measureFlood(() => ownerSeries(legitLogins));
      const flooded = summarize(during.extra);
      await app.security.flush();
      series.push({ idle, flooded, flood: { ...during, extra: undefined }, p99Ratio: flooded.p99 / idle.p99 });
      log(
        `  round ${round + 1}: owner p99 idle ${idle.p99.toFixed(1)} ms, during flood ${flooded.p99.toFixed(1)} ms;` +
          ` ${Math.round(during.perSecond).toLocaleString('en-US')} refusals/s`,
      );
    }
    log(`  flood alone ${floodAloneMs} ms …`);
    const alone = await measureFlood(() => sleep(floodAloneMs));
    const leakedTotal = alone.leaked + series.reduce((sum, s) => sum + s.flood.leaked, 0);
    if (leakedTotal > 0) log(`  warning: ${leakedTotal} flood attempts were not throttled`);

    const ownerId = (await app.accounts.getUser(OWNER)).id;
    await app.security.flush();
    const lastFailure = await app.security.loginRecords.page({ accountId: ownerId, result: 'failure', limit: 1 });
    return {
      floodConcurrency,
      legitLogins,
      rounds,
      blockedAfter,
      series,
      alone: { ...alone, extra: undefined },
      leaked: leakedTotal,
      refusalsPerSecond: median(series.map((s) => s.flood.perSecond)),
      refusalsPerCoreSecond: median(series.map((s) => s.flood.perCoreSecond)),
      idleP99: median(series.map((s) => s.idle.p99)),
      floodedP99: median(series.map((s) => s.flooded.p99)),
      p99Ratio: median(series.map((s) => s.p99Ratio)),
      lastRecordedReason: lastFailure.records[0]?.reason,
    };
  } finally {
    await app.close();
    removeDir(dataDir);
  }
}
