// Bench (a): valid logins per second through app.security.authenticate() against bare argon2id verifications.
import { verify } from '@node-rs/argon2';
import { OWASP_ARGON2ID } from '../../dist/accounts/index.js';
import { median, openBenchApp, removeDir, runFor, tempDataDir } from './support.mjs';

const DOMAIN = 'bench.test';
const PASSWORD = 'Bench-Login-Password-7';

/** The stored hash must use the parameters the bare baseline is meant to match (OWASP m=19456, t=2, p=1). */
function checkParams(hash) {
  const { memoryCost: m, timeCost: t, parallelism: p } = OWASP_ARGON2ID;
  if (!hash.startsWith(`$argon2id$v=19$m=${m},t=${t},p=${p}$`)) {
    throw new Error(`bench: stored hash does not use argon2id m=${m},t=${t},p=${p}: ${hash.slice(0, 40)}…`);
  }
  return { m, t, p };
}

/**
 * One caller per user and IP, so no two callers share a throttle key and nothing is throttled;
 * every caller's login is valid (IMAP, account password, service open).
 */
export async function benchLoginThroughput({ concurrency, durationMs, warmupMs, rounds, log }) {
  const dataDir = tempDataDir('mailward-bench-auth-');
  const app = await openBenchApp({ dataDir });
  try {
    await app.accounts.addDomain(DOMAIN);
    const users = [];
    for (let i = 0; i < concurrency; i++) {
      const account = await app.accounts.addUser({ address: `login${i}@${DOMAIN}`, password: PASSWORD });
      users.push({ address: account.address, hash: account.password_hash, ip: `192.0.2.${10 + i}` });
    }
    const params = checkParams(users[0].hash);

    let failures = 0;
    const viaAuthenticate = async (worker) => {
      const user = users[worker];
      const result = await app.security.authenticate({
        protocol: 'imap',
        username: user.address,
        secret: PASSWORD,
        remoteIp: user.ip,
        client: 'bench-imap',
        tls: true,
      });
      if (!result.ok) failures++;
    };
    const bare = async (worker) => {
      if (!(await verify(users[worker].hash, PASSWORD))) failures++;
    };

    log(`  warm-up ${warmupMs} ms each …`);
    await runFor({ concurrency, durationMs: warmupMs, work: bare });
    await runFor({ concurrency, durationMs: warmupMs, work: viaAuthenticate });

    const runs = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so a drift in the machine's speed does not favour one side.
      const order = round % 2 === 0 ? ['bare', 'auth'] : ['auth', 'bare'];
      const result = {};
      for (const kind of order) {
        result[kind] = await runFor({ concurrency, durationMs, work: kind === 'bare' ? bare : viaAuthenticate });
      }
      runs.push(result);
      log(
        `  round ${round + 1}: bare ${result.bare.perSecond.toFixed(1)}/s, authenticate ${result.auth.perSecond.toFixed(1)}/s` +
          ` (ratio ${(result.auth.perSecond / result.bare.perSecond).toFixed(3)})`,
      );
    }
    if (failures > 0) throw new Error(`bench: ${failures} logins or verifications failed; the bench is not measuring valid logins`);
    await app.security.flush();

    const bareRate = median(runs.map((r) => r.bare.perSecond));
    const authRate = median(runs.map((r) => r.auth.perSecond));
    const per = (r, field) => r[field] / r.done;
    return {
      concurrency,
      durationMs,
      rounds,
      params,
      runs,
      bareRate,
      authRate,
      // Each round's two runs are back to back, so their ratio is robust to the machine's drift
      // (other tenants); the median over rounds is the figure compared with the target.
      ratio: median(runs.map((r) => r.auth.perSecond / r.bare.perSecond)),
      // CPU per operation over all threads, and on the main (JavaScript) thread alone.
      bareCpuMsPerOp: median(runs.map((r) => per(r.bare, 'cpuMs'))),
      authCpuMsPerOp: median(runs.map((r) => per(r.auth, 'cpuMs'))),
      authMainThreadMsPerOp: median(runs.map((r) => per(r.auth, 'mainThreadCpuMs'))),
      bareMainThreadMsPerOp: median(runs.map((r) => per(r.bare, 'mainThreadCpuMs'))),
    };
  } finally {
    await app.close();
    removeDir(dataDir);
  }
}
