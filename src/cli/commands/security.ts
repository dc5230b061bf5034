// `mailward security blocks list|clear` and `mailward audit`: brute-force blocks and the global audit log.
import type { Command } from 'commander';
import { normalizeAddress } from '../../lib/index.js';
import { accountOfName, canonicalIp } from '../../security/index.js';
import type { GlobalOptions } from '../context.js';
import { withApp } from '../context.js';
import { isoTime, printJSON, printTable } from '../output.js';
import { CLI_ACTOR } from './actor.js';
import { printAudit } from './user-security.js';

export function registerSecurityCommands(program: Command, globals: () => GlobalOptions): void {
  const security = program.command('security').description('brute-force defence');
  const blocks = security.command('blocks').description('sign-in blocks in force (they also expire on their own)');
  blocks
    .command('list')
    .option('--json', 'print JSON')
    .description('list the blocks in force, with the account name and IP or network that caused them')
    .action((options: { json?: boolean }) =>
      withApp(globals(), async (app) => {
        const list = (await app.security.throttle.blocks(app.now())).map((b) => ({
          scope: b.scope,
          account: b.username,
          ip: b.ip,
          network: b.network,
          failures: b.failures,
          blockedUntil: isoTime(b.blockedUntil),
        }));
        if (options.json) printJSON(list);
        else
          printTable(
            ['SCOPE', 'ACCOUNT', 'IP/NETWORK', 'FAILURES', 'BLOCKED UNTIL'],
            list.map((b) => [b.scope, b.account ?? '', b.ip ?? b.network ?? '', String(b.failures), b.blockedUntil ?? '']),
          );
      }),
    );
  blocks
    .command('clear')
    .option('--ip <ip>', 'only blocks of this IP (and its network)')
    .option('--account <address>', 'only blocks of this account (every sign-in step: password, second factor, codes)')
    .description('lift blocks now (all of them without options)')
    .action((options: { ip?: string; account?: string }) =>
      withApp(globals(), async (app) => {
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
      }),
    );

  program
    .command('audit')
    .option('--limit <n>', 'how many entries (newest first)', '100')
    .option('--json', 'print JSON')
    .description('show the global audit log')
    .action((options: { limit: string; json?: boolean }) =>
      withApp(globals(), async (app) => {
        const entries = await app.security.audit.list({ limit: Math.max(1, Math.min(Number(options.limit) || 100, 1000)) });
        printAudit(entries, options.json === true);
      }),
    );
}
