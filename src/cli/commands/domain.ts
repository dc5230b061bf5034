// `mailward domain add|list|remove|dkim`.
import type { Command } from 'commander';
import { normalizeDomain } from '../../lib/index.js';
import type { JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { printRows } from '../output.js';
import { presentDomain } from '../presenters.js';
import { registerDomainDKIMCommand } from './domain-dkim.js';

export function registerDomainCommands(program: Command, globals: () => GlobalOptions): void {
  const domain = program.command('domain').description('manage the mail domains served here');
  command(domain, globals, { usage: 'add <domain>', about: ['domain name (IDN allowed)'], description: 'serve a new mail domain' }, async (app, name: string) => {
    const row = await app.accounts.addDomain(name);
    process.stdout.write(`domain ${row.name} added\n`);
  });
  command(domain, globals, { usage: 'list', description: 'list the domains', json: true }, async (app, options: JSONOption) => {
    const rows = (await app.accounts.listDomains()).map(presentDomain);
    printRows(rows, options, ['DOMAIN', 'CREATED'], (d) => [d.name, d.createdAt ?? '']);
  });
  command(domain, globals, { usage: 'remove <domain>', about: ['domain name'], description: 'stop serving a domain (it must have no accounts left)' }, async (app, name: string) => {
    await app.accounts.removeDomain(name);
    process.stdout.write(`domain ${normalizeDomain(name)} removed\n`);
  });
  registerDomainDKIMCommand(domain, globals);
}
