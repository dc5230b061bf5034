// Dovecot's imaptest in stress mode against a real `mailward serve`: ten clients on one mailbox for a few seconds, logging in, selecting, fetching, storing, expunging and appending at random, without one protocol error or failed command.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { ImaptestTarget } from '../support/imaptest.js';
import { IMAPTEST_TESTS, imaptestUnavailable, runImaptest, startImaptestTarget } from '../support/imaptest.js';

const skip = imaptestUnavailable('imaptest stress');

describe.skipIf(skip)('imaptest stress', { timeout: 120_000 }, () => {
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
    const run = await runImaptest(target, [`mbox=${path.join(IMAPTEST_TESTS, 'default.mbox')}`, 'clients=10', 'secs=5'], { timeoutMs: 90_000 });
    expect(run.errors, run.output).toEqual([]);
    // The last line of counts: logins, lists, statuses, selects, fetches, …, logouts. A run that did nothing proves nothing.
    const totals = /Totals:\n([^\n]+)\n[^\n]+\n[^\n]*\n\s*([\d ]+)\s*$/.exec(run.output);
    expect(totals, run.output).not.toBeNull();
    const counts = Object.fromEntries(totals![1]!.trim().split(/\s+/).map((name, i) => [name, Number(totals![2]!.trim().split(/\s+/)[i])]));
    for (const name of ['Logi', 'Sele', 'Fetc', 'Stor', 'Expu', 'Appe']) expect(counts[name], `${name} in\n${run.output}`).toBeGreaterThan(0);
    expect(target.serve.logs.filter((line) => line.level >= 50), 'server errors').toEqual([]);
  });
});
