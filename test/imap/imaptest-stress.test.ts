// Dovecot's imaptest in stress mode against a real `mailward serve`: ten clients on one mailbox for a few seconds, logging in, selecting, fetching, storing, expunging and appending at random, without one protocol error or failed command.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { ImaptestTarget } from '../support/imaptest.js';
import { IMAPTEST_TESTS, imaptestUnavailable, runImaptest, startImaptestTarget } from '../support/imaptest.js';

const skip = imaptestUnavailable('imaptest stress');
const KINDS = ['Logi', 'Sele', 'Fetc', 'Stor', 'Expu', 'Appe'];

describe.skipIf(skip)('imaptest stress', { timeout: 300_000 }, () => {
  let target: ImaptestTarget;
  beforeAll(async () => {
    assertBuilt();
    target = await startImaptestTarget();
  });
  afterAll(async () => {
    await target?.serve.stop();
    await killAllServes();
    removeTempDataDirs();
  });

  it('10 clients for 5 seconds: no Error line, no server error, and every kind of command ran', async () => {
    // A run that did nothing proves nothing: on a starved machine a login can take seconds, so a
    // kind of command that never ran in one run is given up to two more; an error in any run fails.
    const totals: Record<string, number> = {};
    for (let run = 0; run < 3; run++) {
      const result = await runImaptest(target, [`mbox=${path.join(IMAPTEST_TESTS, 'default.mbox')}`, 'clients=10', 'secs=5'], { timeoutMs: 90_000 });
      expect(result.errors, result.output).toEqual([]);
      // The last line of counts: logins, lists, statuses, selects, fetches, …, logouts.
      const last = /Totals:\n([^\n]+)\n[^\n]+\n[^\n]*\n\s*([\d ]+)\s*$/.exec(result.output);
      expect(last, result.output).not.toBeNull();
      const values = last![2]!.trim().split(/\s+/).map(Number);
      last![1]!.trim().split(/\s+/).forEach((name, i) => (totals[name] = (totals[name] ?? 0) + (values[i] ?? 0)));
      if (KINDS.every((name) => (totals[name] ?? 0) > 0)) break;
    }
    for (const name of KINDS) expect(totals[name], `${name} in ${JSON.stringify(totals)}`).toBeGreaterThan(0);
    expect(target.serve.logs.filter((line) => line.level >= 50), 'server errors').toEqual([]);
  });
});
