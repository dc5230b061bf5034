// `mailward alias add|list|remove`: extra addresses that deliver to an account.
import type { Command } from 'commander';
import { normalizeAddress } from '../../lib/index.js';
import type { JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { printRows } from '../output.js';
import { presentAlias } from '../presenters.js';

export function registerAliasCommands(program: Command, globals: () => GlobalOptions): void {
  const alias = program.command('alias').description('manage aliases');
  const about = ['the extra address', 'the account it delivers to'];
  command(alias, globals, { usage: 'add <alias> <account>', about, description: 'add an alias' }, async (app, aliasAddress: string, account: string) => {
    const row = await app.accounts.addAlias(aliasAddress, account);
    process.stdout.write(`alias ${row.address} added\n`);
  });
  command(alias, globals, { usage: 'list', description: 'list aliases', json: true }, async (app, options: JSONOption) => {
    const views = (await app.accounts.listAliases()).map(({ alias, target }) => presentAlias(alias, target));
    printRows(views, options, ['ALIAS', 'ACCOUNT'], (v) => [v.address, v.target]);
  });
  command(alias, globals, { usage: 'remove <alias>', description: 'remove an alias' }, async (app, aliasAddress: string) => {
    await app.accounts.removeAlias(aliasAddress);
    process.stdout.write(`alias ${normalizeAddress(aliasAddress).address} removed\n`);
  });
}
