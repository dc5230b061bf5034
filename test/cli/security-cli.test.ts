// `mailward user services|app-passwords|logins|audit`, `security blocks`, `policy set` and `audit` as child processes on one data directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/app/logger.js';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';
import type { AuthenticateInput } from '../../src/security/index.js';
import {
  assertBuilt,
  cliTranscript,
  expectOneLineError,
  expectSuccess,
  lines,
  removeTempDataDirs,
  runCLI,
  tempDataDir,
} from '../support/cli.js';

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';
const ALICE_PASSWORD = 'Tr0ub4dor&3-alpha';
const BOB_PASSWORD = 'Correct-Horse-42-b';
const ATTACKER_IP = '203.0.113.9';

interface LoginJSON {
  time: string;
  protocol: string;
  ip: string;
  client: string;
  result: string;
  reason: string;
}

interface AuditJSON {
  time: string;
  account: string | null;
  actor: string;
  ip: string;
  action: string;
  details: Record<string, unknown>;
}

interface BlockJSON {
  scope: string;
  account: string | null;
  ip: string | null;
  network: string | null;
  failures: number;
  blockedUntil: string;
}

describe('mailward security commands', () => {
  let data: string;
  let appPasswordId = 0;
  let appPasswordSecret = '';

  const cli = (...args: string[]) => runCLI(args, { data });
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(expectSuccess(await cli(...args))) as T;

  /** Opens the same data directory in this process, as `serve` would, for the work only the doors do. */
  async function withApp<T>(work: (app: App) => Promise<T>): Promise<T> {
    // env {}: the server key comes from the data directory, as for the CLI children (MAILWARD_* is not inherited).
    const app = await openApp({ dataDir: data, config: loadConfig({ env: {} }), logger: createLogger({ level: 'silent' }), env: {} });
    try {
      return await work(app);
    } finally {
      await app.security.flush();
      await app.close();
    }
  }

  const attempt = (app: App, input: Partial<AuthenticateInput> & Pick<AuthenticateInput, 'protocol' | 'username' | 'secret'>) =>
    app.security.authenticate({ remoteIp: '198.51.100.1', tls: true, ...input });

  beforeAll(async () => {
    assertBuilt();
    data = tempDataDir('mailward-security-cli-');
    // Set up in-process (test/cli/user.test.ts covers `domain add` and `user add` as children).
    await withApp(async (app) => {
      await app.accounts.addDomain('example.org');
      await app.accounts.addUser({ address: ALICE, password: ALICE_PASSWORD });
      await app.accounts.addUser({ address: BOB, password: BOB_PASSWORD });
    });
  });
  afterAll(() => removeTempDataDirs());

  describe('user services', () => {
    it('shows every service open; --imap off --json closes IMAP; a value other than on/off is one line, exit 1', async () => {
      const [table, bad] = await Promise.all([cli('user', 'services', ALICE), cli('user', 'services', ALICE, '--imap', 'maybe')]);
      expect(lines(expectSuccess(table)).map((l) => l.split(/\s+/))).toEqual([
        ['SERVICE', 'STATE'],
        ['smtp', 'open'],
        ['imap', 'open'],
        ['pop3', 'open'],
      ]);
      expectOneLineError(bad, { code: 1, matches: /--imap: expected on or off/ });
      expect(await json('user', 'services', ALICE, '--imap', 'off', '--json')).toEqual({ smtp: true, imap: false, pop3: true });
      // (The login records below show IMAP refused with service_closed, the audit log one services.changed.)
    });
  });

  describe('user app-passwords', () => {
    it('add prints the generated secret once: four groups of four letters', async () => {
      const out = expectSuccess(await cli('user', 'app-passwords', 'add', ALICE, 'Phone', '--protocols', 'imap,pop3', '--json'));
      const created = JSON.parse(out) as { id: number; name: string; protocols: string[]; secret: string };
      expect(created).toMatchObject({ name: 'Phone', protocols: ['imap', 'pop3'] });
      expect(created.secret).toMatch(/^[a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}$/);
      expect(out.split(created.secret).length - 1).toBe(1);
      appPasswordId = created.id;
      appPasswordSecret = created.secret;
    });

    it('also takes the address before the action: user app-passwords ADDRESS add|list|revoke', async () => {
      // On bob's account: alice's audit trail is checked in order further down.
      const out = expectSuccess(await cli('user', 'app-passwords', BOB, 'add', 'Tablet', '--protocols', 'smtp', '--json'));
      const created = JSON.parse(out) as { id: number; name: string; protocols: string[] };
      expect(created).toMatchObject({ name: 'Tablet', protocols: ['smtp'] });
      const listed = JSON.parse(expectSuccess(await cli('user', 'app-passwords', BOB, 'list', '--json'))) as Array<{ id: number }>;
      expect(listed.map((a) => a.id)).toContain(created.id);
      expectSuccess(await cli('user', 'app-passwords', BOB, 'revoke', String(created.id)));
    });
  });

  describe('user logins and app-passwords list', () => {
    const base = Date.now() - 60_000;

    beforeAll(async () => {
      await withApp(async (app) => {
        const results = [
          await attempt(app, { protocol: 'web', username: ALICE, secret: ALICE_PASSWORD, client: 'Firefox', now: base }),
          await attempt(app, { protocol: 'pop3', username: ALICE, secret: appPasswordSecret, remoteIp: '198.51.100.2', client: 'Thunderbird', now: base + 1000 }),
          // Right password, closed service: a failure the owner sees with its reason.
          await attempt(app, { protocol: 'imap', username: ALICE, secret: ALICE_PASSWORD, remoteIp: '198.51.100.3', client: 'K-9', now: base + 2000 }),
          await attempt(app, { protocol: 'web', username: ALICE, secret: 'Wrong-Passw0rd', client: 'Firefox', now: base + 3000 }),
        ];
        expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'ok', 'service_closed', 'bad_credentials']);
      });
    });

    it('--json prints every record newest first (time, protocol, ip, client, result, reason); --result failure filters; app-passwords list hides the secret', async () => {
      // Three reads at once: they do not depend on each other.
      const [all, failures, listResult] = await Promise.all([
        json<LoginJSON[]>('user', 'logins', ALICE, '--json'),
        json<LoginJSON[]>('user', 'logins', ALICE, '--result', 'failure', '--json'),
        cli('user', 'app-passwords', 'list', ALICE, '--json'),
      ]);
      expect(all.map(({ time, protocol, ip, client, result, reason }) => ({ time, protocol, ip, client, result, reason }))).toEqual([
        { time: new Date(base + 3000).toISOString(), protocol: 'web', ip: '198.51.100.1', client: 'Firefox', result: 'failure', reason: 'bad_credentials' },
        { time: new Date(base + 2000).toISOString(), protocol: 'imap', ip: '198.51.100.3', client: 'K-9', result: 'failure', reason: 'service_closed' },
        { time: new Date(base + 1000).toISOString(), protocol: 'pop3', ip: '198.51.100.2', client: 'Thunderbird', result: 'success', reason: 'ok' },
        { time: new Date(base).toISOString(), protocol: 'web', ip: '198.51.100.1', client: 'Firefox', result: 'success', reason: 'ok' },
      ]);
      expect(JSON.stringify(all)).not.toContain(ALICE_PASSWORD);
      expect(JSON.stringify(all)).not.toContain('Wrong-Passw0rd');
      expect(failures.map((r) => [r.protocol, r.result, r.reason])).toEqual([
        ['web', 'failure', 'bad_credentials'],
        ['imap', 'failure', 'service_closed'],
      ]);

      const out = expectSuccess(listResult);
      const list = JSON.parse(out) as Array<Record<string, unknown>>;
      expect(list).toEqual([expect.objectContaining({ id: appPasswordId, name: 'Phone', protocols: ['imap', 'pop3'], lastUsedIp: '198.51.100.2' })]);
      expect(list[0]!.lastUsedAt).toEqual(expect.any(String));
      expect(Object.keys(list[0]!)).not.toContain('secret');
      expect(out).not.toContain(appPasswordSecret);
      expect(out).not.toContain(appPasswordSecret.replace(/ /g, ''));
    });
  });

  describe('user app-passwords revoke', () => {
    it('revokes once; revoking again is one line, exit 1; the secret stops working', async () => {
      expect(expectSuccess(await cli('user', 'app-passwords', 'revoke', ALICE, String(appPasswordId)))).toBe(`app password ${appPasswordId} revoked\n`);
      expectOneLineError(await cli('user', 'app-passwords', 'revoke', ALICE, String(appPasswordId)), { code: 1, matches: /does not exist/ });
      const result = await withApp(async (app) => {
        expect(await app.security.appPasswords.list(await app.accounts.getUser(ALICE))).toEqual([]);
        return attempt(app, { protocol: 'pop3', username: ALICE, secret: appPasswordSecret, remoteIp: '198.51.100.2' });
      });
      expect(result).toMatchObject({ ok: false, code: 'AUTH_FAILED' });
    });
  });

  describe('user audit', () => {
    it('--json shows the service switch with before/after and the app password created and revoked, never the secret', async () => {
      const out = expectSuccess(await cli('user', 'audit', ALICE, '--json'));
      const entries = JSON.parse(out) as AuditJSON[];
      const actions = entries.map((e) => e.action);
      expect(actions.slice(0, 2)).toEqual(['app_password.revoked', 'app_password.created']);
      expect(actions).toContain('services.changed');
      expect(entries.find((e) => e.action === 'services.changed')).toMatchObject({
        account: ALICE,
        actor: expect.stringMatching(/^admin:cli/),
        details: { before: { smtp: true, imap: true, pop3: true }, after: { smtp: true, imap: false, pop3: true } },
      });
      expect(actions.filter((a) => a === 'services.changed')).toHaveLength(1);
      expect(entries.find((e) => e.action === 'app_password.created')).toMatchObject({ details: { id: appPasswordId, name: 'Phone', protocols: ['imap', 'pop3'] } });
      expect(out).not.toContain(appPasswordSecret);
      expect(out).not.toContain(appPasswordSecret.replace(/ /g, ''));
    });
  });

  describe('security blocks', () => {
    it('lists the block forced by repeated failures, with account and IP, and clear --ip lifts it', async () => {
      const reasons = await withApp(async (app) => {
        // (`policy set` as a child is tested below with password.strength.)
        await app.policies.set('auth.max_failures', 2);
        const out: string[] = [];
        for (const secret of ['Guess-One-1', 'Guess-Two-2', BOB_PASSWORD]) {
          const result = await attempt(app, { protocol: 'imap', username: BOB, secret, remoteIp: ATTACKER_IP, client: 'hydra' });
          out.push(result.ok ? 'ok' : result.reason);
        }
        return out;
      });
      // The third try, with the right password, is refused before any hash: the pair is blocked.
      expect(reasons).toEqual(['bad_credentials', 'bad_credentials', 'throttled']);

      const blocks = await json<BlockJSON[]>('security', 'blocks', 'list', '--json');
      expect(blocks).toEqual([
        { scope: 'pair', account: BOB, ip: ATTACKER_IP, network: null, failures: 2, blockedUntil: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ]);
      expect(Date.parse(blocks[0]!.blockedUntil)).toBeGreaterThan(Date.now());

      expect(expectSuccess(await cli('security', 'blocks', 'clear', '--ip', ATTACKER_IP))).toMatch(/^[1-9]\d* block record\(s\) cleared\n$/);
      const after = await withApp(async (app) => {
        expect(await app.security.throttle.blocks(Date.now())).toEqual([]);
        return attempt(app, { protocol: 'imap', username: BOB, secret: BOB_PASSWORD, remoteIp: ATTACKER_IP });
      });
      expect(after.ok).toBe(true);
    });
  });

  describe('policy set password.strength and user passwd', () => {
    it('refuses a weak password with the reason on one line (exit 1), keeping the old one', async () => {
      expect(expectSuccess(await cli('policy', 'set', 'password.strength', 'strong'))).toBe('policy password.strength = "strong"\n');
      // "weakpassword1" passes medium (2 classes) but not strong (3).
      const weak = await runCLI(['user', 'passwd', ALICE, '--password-stdin'], { data, stdin: 'weakpassword1\n' });
      expectOneLineError(weak, { code: 1, matches: /at least 3 of lowercase, uppercase, digits and symbols/ });
      expect(weak.stderr).not.toContain('weakpassword1');
      expect(await withApp(async (app) => app.accounts.verifyPassword(await app.accounts.getUser(ALICE), ALICE_PASSWORD))).toBe(true);
    });
  });

  describe('user disable and enable', () => {
    it('both appear in the global audit log with before/after and the reason', async () => {
      expect(expectSuccess(await cli('user', 'disable', ALICE, '--reason', 'laptop stolen'))).toBe(`account ${ALICE} disabled\n`);
      expect(expectSuccess(await cli('user', 'enable', ALICE))).toBe(`account ${ALICE} enabled\n`);
      const audit = await json<AuditJSON[]>('audit', '--json');
      expect(audit.slice(0, 2)).toEqual([
        expect.objectContaining({ action: 'account.enabled', account: ALICE, actor: expect.stringMatching(/^admin:cli/), details: { before: 'disabled', reason: 'laptop stolen', after: 'active' } }),
        expect.objectContaining({ action: 'account.disabled', account: ALICE, details: { before: 'active', after: 'disabled', reason: 'laptop stolen' } }),
      ]);
      // The global log also holds the earlier admin actions of this file, about no account.
      expect(audit.find((e) => e.action === 'blocks.cleared')).toMatchObject({ account: null, details: { ip: ATTACKER_IP, account: null } });
      expect(audit.filter((e) => e.action === 'policy.changed').map((e) => e.details)).toEqual([
        { key: 'password.strength', scope: 'global', before: 'medium', after: 'strong' },
      ]);
    });
  });

  it('never printed a password, and the app password only the one time it was created', () => {
    const everything = cliTranscript.join('\n');
    for (const secret of [ALICE_PASSWORD, BOB_PASSWORD, 'weakpassword1', 'Wrong-Passw0rd']) expect(everything).not.toContain(secret);
    expect(everything.split(appPasswordSecret).length - 1).toBe(1);
  });
});
