// `mailward security blocks list|clear` and `mailward audit`: brute-force blocks and the global audit log.
import type { Command } from 'commander';
import { normalizeAddress } from '../../lib/index.js';
import { accountOfName, canonicalIp } from '../../security/index.js';
import type { CommandSpec, JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { isoTime, printRows } from '../output.js';
import { CLI_ACTOR } from './actor.js';
import { printAudit } from './user-security.js';

export function registerSecurityCommands(program: Command, globals: () => GlobalOptions): void {
  const security = program.command('security').description('brute-force defence');
  const blocks = security.command('blocks').description('sign-in blocks in force (they also expire on their own)');
  const list: CommandSpec = { usage: 'list', json: true, description: 'list the blocks in force, with the account name and IP or network that caused them' };
  command(blocks, globals, list, async (app, options: JSONOption) => {
    const views = (await app.security.throttle.blocks(app.now())).map((b) => ({
      scope: b.scope,
      account: b.username,
      ip: b.ip,
      network: b.network,
      failures: b.failures,
      blockedUntil: isoTime(b.blockedUntil),
    }));
    printRows(views, options, ['SCOPE', 'ACCOUNT', 'IP/NETWORK', 'FAILURES', 'BLOCKED UNTIL'], (b) => [
      b.scope,
      b.account ?? '',
      b.ip ?? b.network ?? '',
      String(b.failures),
      b.blockedUntil ?? '',
    ]);
  });
  const clear: CommandSpec = {
    usage: 'clear',
    options: [
      ['--ip <ip>', 'only blocks of this IP (and its network)'],
      ['--account <address>', 'only blocks of this account (every sign-in step: password, second factor, codes)'],
    ],
    description: 'lift blocks now (all of them without options)',
  };
  command(blocks, globals, clear, async (app, options: { ip?: string; account?: string }) => {
    // "otp:alice@example.org" as `blocks list` shows it names the same account as its address.
    const username = options.account !== undefined ? normalizeAddress(accountOfName(options.account)).address : undefined;
    const ip = options.ip !== undefined ? canonicalIp(options.ip) : undefined;
    const cleared = await app.security.throttle.clear({
      now: app.now(),
      ...(ip !== undefined ? { ip } : {}),
      ...(username !== undefined ? { username } : {}),
    });
    await app.security.audit.append({ actor: CLI_ACTOR.actor, action: 'blocks.cleared', details: { ip: ip ?? null, account: username ?? null, cleared } });
    process.stdout.write(`${cleared} block record(s) cleared\n`);
  });

  const audit: CommandSpec = { usage: 'audit', options: [['--limit <n>', 'how many entries (newest first)', '100']], json: true, description: 'show the global audit log' };
  command(program, globals, audit, async (app, options: { limit: string; json?: boolean }) => {
    const entries = await app.security.audit.list({ limit: Math.max(1, Math.min(Number(options.limit) || 100, 1000)) });
    printAudit(entries, options.json === true);
  });
}
