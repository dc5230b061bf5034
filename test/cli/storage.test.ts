// Storage that cannot be used: a file where the data directory should be, an unreachable PostgreSQL,
// a read-only file system and a full one. Each must end the command with one line, and a full disk
// must never leave half an operation behind.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { domainScope } from '../../src/store/index.js';
import { describeCLI, expectOneLineError, expectSuccess, runCLI, tempDataDir, withDataDir } from '../support/cli.js';

/** Mounting needs root (and a kernel that lets this container mount tmpfs); probed once, leaving nothing mounted. */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = tempDataDir('mailward-mount-probe-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  return mounted;
}

const MOUNTABLE = canMountTmpfs();
const mounts: string[] = [];

function mountTmpfs(options: string): string {
  const dir = tempDataDir('mailward-tmpfs-');
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount -o ${options} failed: ${result.stderr}`);
  mounts.push(dir);
  return dir;
}

/** Free space on the file system holding `dir`, in bytes. */
function freeBytes(dir: string): number {
  const stats = fs.statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/** Copies a data directory's files (not the mount point itself). */
function copyInto(from: string, to: string): void {
  for (const name of fs.readdirSync(to)) fs.rmSync(path.join(to, name), { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
}

/** Writes a file that leaves about `leave` bytes free on the file system of `dir`. */
function fillLeaving(dir: string, leave: number): string {
  const filler = path.join(dir, 'filler');
  const size = freeBytes(dir) - leave;
  if (size > 0) fs.writeFileSync(filler, Buffer.alloc(size));
  return filler;
}

/** Unmounts before the directories go: rm would otherwise empty the tmpfs and then fail on the busy mount point. */
function unmountAll(): void {
  for (const dir of mounts.splice(0)) {
    if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
  }
}

describeCLI('storage failures', { cleanup: unmountAll }, () => {
  it('a data directory path that is a regular file: exit 1, one line (--data and MAILWARD_DATA)', async () => {
    const file = path.join(tempDataDir(), 'not-a-directory');
    fs.writeFileSync(file, 'x');
    const [viaOption, viaEnv] = await Promise.all([
      runCLI(['domain', 'list'], { data: file }),
      runCLI(['domain', 'list'], { env: { MAILWARD_DATA: file } }),
    ]);
    for (const result of [viaOption, viaEnv]) {
      expectOneLineError(result, { code: 1, matches: /data directory .*not-a-directory is not usable/ });
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('an unreachable PostgreSQL: exit 1, one line that never shows the password', async () => {
    const result = await runCLI(['domain', 'list'], {
      data: tempDataDir(),
      env: { MAILWARD_DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/x' },
    });
    const line = expectOneLineError(result, { code: 1, matches: /database: cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x/ });
    expect(line).not.toContain('pw');
  });

  it.skipIf(!MOUNTABLE)('a read-only file system: domain add fails with exit 1 and one line (needs root to mount tmpfs)', async () => {
    const data = mountTmpfs('ro,size=1m');
    const result = await runCLI(['domain', 'add', 'example.org'], { data });
    expectOneLineError(result, { code: 1, matches: /not usable: EROFS|read-only/ });
    expect(fs.readdirSync(data)).toEqual([]);
  });

  it.skipIf(!MOUNTABLE)(
    'a full disk: the failing command leaves no half-done change, and works once space is freed (needs root to mount tmpfs)',
    async () => {
      // A domain whose removal is one large transaction: its aliases (to an account elsewhere), its
      // policy and the domain row itself. Seeded on the normal disk, then copied onto a small tmpfs.
      const ALIASES = 2000;
      const seed = tempDataDir();
      await withDataDir(seed, async (app) => {
        const domain = await app.accounts.addDomain('a.example');
        await app.accounts.addDomain('b.example');
        const account = await app.accounts.addUser({ address: 'u@b.example', password: 'Tr0ub4dor&3-x' });
        await app.store.transaction(async (tx) => {
          for (let i = 0; i < ALIASES; i++) {
            await tx.aliases.create({ address: `alias-${i}@a.example`, domainId: domain.id, accountId: account.id, now: domain.createdAt });
          }
        });
        await app.policies.set('password.strength', 'strong', { domain: 'a.example' });
        await app.policies.set('auth.max_failures', 6);
      });
      const seedBytes = fs.readdirSync(seed, { recursive: true }).reduce<number>((sum, name) => {
        const stat = fs.statSync(path.join(seed, String(name)));
        return sum + (stat.isFile() ? Math.ceil(stat.size / 4096) * 4096 : 4096);
      }, 0);
      // Sized from the seed rather than a fixed 200 KiB: an empty data directory (two SQLite files and
      // every migration) has outgrown that, and grows with each new table.
      const data = mountTmpfs(`size=${Math.ceil(seedBytes / 1024) + 1024}k`);

      // Leave enough room to open both databases (their -wal and -shm files) but far too little
      // for the transaction; if opening itself fails, leave more room and try again.
      let leave = 128 * 1024;
      let failure: Awaited<ReturnType<typeof runCLI>> | undefined;
      for (let attempt = 0; attempt < 5 && failure === undefined; attempt++, leave += 48 * 1024) {
        copyInto(seed, data);
        const filler = fillLeaving(data, leave);
        const result = await runCLI(['domain', 'remove', 'a.example'], { data });
        fs.rmSync(filler, { force: true });
        expect(result.code, `the removal must not fit in ${leave} free bytes; stderr: ${result.stderr}`).toBe(1);
        expectOneLineError(result, { code: 1 });
        // Whatever the attempt, the failed removal left every alias in place.
        await withDataDir(data, async (app) => expect((await app.accounts.listAliases()).length).toBe(ALIASES));
        if (!/cannot open|not usable/.test(result.stderr)) failure = result;
      }
      expect(failure, 'no attempt got past opening the store: give the tmpfs more room').toBeDefined();

      // Space is back: nothing of the failed removal is visible, and the store is usable.
      const policy = await runCLI(['policy', 'get', 'password.strength', '--domain', 'a.example', '--json'], { data });
      expect(JSON.parse(expectSuccess(policy))).toMatchObject({ value: 'strong', source: 'domain:a.example' });
      await withDataDir(data, async (app) => {
        expect((await app.accounts.listDomains()).map((d) => d.name)).toEqual(['a.example', 'b.example']);
        expect((await app.accounts.listAliases()).length).toBe(ALIASES);
      });

      expect(expectSuccess(await runCLI(['domain', 'remove', 'a.example'], { data }))).toBe('domain a.example removed\n');
      await withDataDir(data, async (app) => {
        expect((await app.accounts.listDomains()).map((d) => d.name)).toEqual(['b.example']);
        expect(await app.accounts.listAliases()).toEqual([]);
        expect(await app.store.policies.list(domainScope('a.example'))).toEqual([]);
        expect(await app.policies.get('auth.max_failures')).toBe(6);
      });
    },
  );
});
