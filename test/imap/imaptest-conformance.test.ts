// Dovecot's imaptest scripted conformance groups (RFC 3501, RFC 9051 and the extensions Mailward offers) against a real `mailward serve`: every group passes, and no reply breaks the protocol.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, killAllServes, removeTempDataDirs } from '../support/cli.js';
import type { ImaptestTarget } from '../support/imaptest.js';
import { IMAPTEST_TESTS, imaptestUnavailable, runImaptest, startImaptestTarget } from '../support/imaptest.js';

const skip = imaptestUnavailable('imaptest conformance');

describe.skipIf(skip)('imaptest conformance groups', { timeout: 120_000 }, () => {
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

  it('passes every group with no protocol error', async () => {
    const groups = fs.readdirSync(IMAPTEST_TESTS).filter((name) => !name.endsWith('.mbox')).length;
    const run = await runImaptest(target, [`test=${IMAPTEST_TESTS}`], { timeoutMs: 100_000 });
    const summary = /^(\d+) test groups: (\d+) failed, (\d+) skipped/m.exec(run.output);
    // The whole report on failure: each failed command with the expected and the actual reply.
    expect(summary, run.output).not.toBeNull();
    expect({ groups: Number(summary![1]), failed: Number(summary![2]), skipped: Number(summary![3]), errors: run.errors }, run.output).toEqual({ groups, failed: 0, skipped: 0, errors: [] });
    expect(target.serve.logs.filter((line) => line.level >= 50), 'server errors').toEqual([]);
  });
});
