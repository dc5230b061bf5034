// File modes in the data directory: with umask 022 and a 0755 directory made by an operator, everything the CLI and `serve` create in it is owner-only, and start-up warns about the directory itself.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI_TEST_TIMEOUT_MS, expectSuccess, killAllServes, removeTempDataDirs, runCLI, startServe, tempDataDir } from '../support/cli.js';
import { wireDeliver } from '../support/smtp-wire.js';

const ALICE = 'alice@example.test';

/** Every file and directory under `dir` (not `dir` itself), relative, with its permission bits in octal and a trailing / for directories. */
function modesUnder(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const mode = (fs.lstatSync(file).mode & 0o777).toString(8);
    out.push(`${path.relative(root, file)}${entry.isDirectory() ? '/' : ''} ${mode}`);
    if (entry.isDirectory()) out.push(...modesUnder(file, root));
  }
  return out;
}

function expectOwnerOnly(data: string): void {
  const modes = modesUnder(data);
  expect(modes).toEqual(modes.map((line) => line.replace(/ \d+$/, line.includes('/ ') ? ' 700' : ' 600')));
}

let previousUmask = 0;

beforeAll(() => {
  assertBuilt();
  // The children inherit it: the usual umask, under which new files are readable by everyone.
  previousUmask = process.umask(0o022);
});

afterAll(async () => {
  process.umask(previousUmask);
  await killAllServes();
  removeTempDataDirs();
});

describe('data directory modes', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('databases and their -wal/-shm, blobs, keys and TLS files are 0600, directories 0700; serve warns that the directory is open to others', async () => {
    const data = tempDataDir('mailward-modes-');
    fs.chmodSync(data, 0o755);
    expectSuccess(await runCLI(['domain', 'add', 'example.test'], { data }));
    expectSuccess(await runCLI(['user', 'add', ALICE, '--password-stdin'], { data, stdin: 'Violet-Harbor-77-Kettle\n' }));

    const serve = await startServe({ data, env: { MAILWARD_HOSTNAME: 'mx.example.test' } });
    try {
      const warning = await serve.waitForLog((line) => line.level === 40 && /^data directory .* readable or writable by other users/.test(line.msg));
      expect(warning).toMatchObject({ mode: '755' });
      // A large body is a file under blobs/ (a small one a row); both are mail for alice.
      const large = `Subject: large\r\n\r\n${`${'x'.repeat(76)}\r\n`.repeat(2500)}`;
      for (const body of [large, 'Subject: small\r\n\r\nhello\r\n']) {
        const { final } = await wireDeliver(serve.listeners.smtp!.port, { from: 'someone@remote.example', to: [ALICE], data: body });
        expect(final.code).toBe(250);
      }
      // The CLI beside the running server, on the same files.
      expectSuccess(await runCLI(['security', 'blocks', 'list'], { data }));

      const names = modesUnder(data).map((line) => line.replace(/\/? \d+$/, ''));
      expect(names).toEqual(expect.arrayContaining(['mailward.db', 'mailward.db-wal', 'mailward.db-shm', 'state.db', 'state.db-wal', 'state.db-shm', path.join('keys', 'server.key')]));
      expect(names.some((name) => name.startsWith(`blobs${path.sep}`) && /[0-9a-f]{64}$/.test(name))).toBe(true);
      expect(names.some((name) => name.endsWith('.pem'))).toBe(true);
      expectOwnerOnly(data);
    } finally {
      await serve.stop();
    }
    expectOwnerOnly(data);
    // The operator's directory keeps the mode it was given; the warning says what to do.
    expect(fs.statSync(data).mode & 0o777).toBe(0o755);
  });
});
