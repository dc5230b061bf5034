// `mailward alias add|list|remove`: extra addresses that deliver to an account.
import type { Command } from 'commander';
import { normalizeAddress } from '../../lib/index.js';
import type { GlobalOptions } from '../context.js';
import { withApp } from '../context.js';
import { printJSON, printTable } from '../output.js';
import { presentAlias } from '../presenters.js';

export function registerAliasCommands(program: Command, globals: () => GlobalOptions): void {
  const alias = program.command('alias').description('manage aliases');
  alias
    .command('add')
    .argument('<alias>', 'the extra address')
    .argument('<account>', 'the account it delivers to')
    .description('add an alias')
    .action((aliasAddress: string, account: string) =>
      withApp(globals(), async (app) => {
        const row = await app.accounts.addAlias(aliasAddress, account);
        process.stdout.write(`alias ${row.address} added\n`);
      }),
    );
  alias
    .command('list')
    .option('--json', 'print JSON')
    .description('list aliases')
    .action((options: { json?: boolean }) =>
      withApp(globals(), async (app) => {
        const views = (await app.accounts.listAliases()).map(({ alias, target }) => presentAlias(alias, target));
        if (options.json) printJSON(views);
        else printTable(['ALIAS', 'ACCOUNT'], views.map((v) => [v.address, v.target]));
      }),
    );
  alias
    .command('remove')
    .argument('<alias>')
    .description('remove an alias')
    .action((aliasAddress: string) =>
      withApp(globals(), async (app) => {
        await app.accounts.removeAlias(aliasAddress);
        process.stdout.write(`alias ${normalizeAddress(aliasAddress).address} removed\n`);
      }),
    );
}
