// `mailward domain add|list|remove|dkim`.
import type { Command } from 'commander';
import { normalizeDomain } from '../../lib/index.js';
import type { GlobalOptions } from '../context.js';
import { withApp } from '../context.js';
import { printJSON, printTable } from '../output.js';
import { presentDomain } from '../presenters.js';
import { registerDomainDKIMCommand } from './domain-dkim.js';

export function registerDomainCommands(program: Command, globals: () => GlobalOptions): void {
  const domain = program.command('domain').description('manage the mail domains served here');
  domain
    .command('add')
    .argument('<domain>', 'domain name (IDN allowed)')
    .description('serve a new mail domain')
    .action((name: string) =>
      withApp(globals(), async (app) => {
        const row = await app.accounts.addDomain(name);
        process.stdout.write(`domain ${row.name} added\n`);
      }),
    );
  domain
    .command('list')
    .option('--json', 'print JSON')
    .description('list the domains')
    .action((options: { json?: boolean }) =>
      withApp(globals(), async (app) => {
        const rows = (await app.accounts.listDomains()).map(presentDomain);
        if (options.json) printJSON(rows);
        else printTable(['DOMAIN', 'CREATED'], rows.map((d) => [d.name, d.createdAt ?? '']));
      }),
    );
  domain
    .command('remove')
    .argument('<domain>', 'domain name')
    .description('stop serving a domain (it must have no accounts left)')
    .action((name: string) =>
      withApp(globals(), async (app) => {
        await app.accounts.removeDomain(name);
        process.stdout.write(`domain ${normalizeDomain(name)} removed\n`);
      }),
    );
  registerDomainDKIMCommand(domain, globals);
}
