// `mailward user add|list|show|passwd|disable|enable|delete`.
import type { Command } from 'commander';
import { Option } from 'commander';
import { generateOneTimePassword } from '../../accounts/index.js';
import type { CommandSpec } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { printJSON, printRows } from '../output.js';
import { presentAccount } from '../presenters.js';
import { readSecretFromStdin } from '../read-secret.js';
import { CLI_ACTOR } from './actor.js';
import { registerUserDeviceCommands } from './user-devices.js';
import { registerUserSecurityCommands } from './user-security.js';

export function registerUserCommands(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('manage accounts');

  const add: CommandSpec = {
    usage: 'add <address>',
    about: ['the account address, e.g. alice@example.org'],
    options: [
      ['--name <name>', 'display name'],
      ['--admin', 'make the account an administrator'],
      ['--password-stdin', 'read the password from standard input'],
    ],
    description: 'create an account (without --password-stdin a one-time password is generated and printed once)',
  };
  command(user, globals, add, async (app, address: string, options: { name?: string; admin?: boolean; passwordStdin?: boolean }) => {
    const generated = options.passwordStdin ? undefined : generateOneTimePassword();
    const password = generated ?? (await readSecretFromStdin());
    const row = await app.accounts.addUser({
      address,
      password,
      ...(options.name !== undefined ? { displayName: options.name } : {}),
      admin: options.admin === true,
      mustChangePassword: generated !== undefined,
    });
    await app.security.audit.append({ actor: CLI_ACTOR.actor, action: 'account.created', account: row, details: { admin: row.admin } });
    process.stdout.write(`account ${row.address} added\n`);
    if (generated) process.stdout.write(`one-time password (shown once; must be changed at first sign-in): ${generated}\n`);
  });

  command(user, globals, { usage: 'list', options: [['--domain <domain>', 'only this domain']], json: true, description: 'list accounts' }, async (app, options: { domain?: string; json?: boolean }) => {
    const rows = (await app.accounts.listUsers(options.domain !== undefined ? { domain: options.domain } : {})).map(presentAccount);
    printRows(rows, options, ['ADDRESS', 'STATUS', 'ADMIN', 'NAME'], (a) => [
      a.address,
      a.status === 'disabled' ? `disabled (${a.disabledReason ?? ''})` : a.status,
      a.admin ? 'yes' : '',
      a.displayName,
    ]);
  });

  command(user, globals, { usage: 'show <address>', json: true, description: 'show one account' }, async (app, address: string, options: { json?: boolean }) => {
    const row = await app.accounts.getUser(address);
    const aliases = await app.accounts.aliasesOf(row);
    const view = { ...presentAccount(row), aliases };
    if (options.json) printJSON(view);
    else
      for (const [key, value] of Object.entries(view)) {
        process.stdout.write(`${key.padEnd(20)} ${Array.isArray(value) ? value.join(', ') : String(value ?? '')}\n`);
      }
  });

  const passwd: CommandSpec = {
    usage: 'passwd <address>',
    options: [['--password-stdin', 'read the new password from standard input']],
    description: "set an account's password (the strength policy applies)",
  };
  command(user, globals, passwd, async (app, address: string) => {
    await app.accounts.getUser(address);
    const password = await readSecretFromStdin({ prompt: 'New password: ' });
    const row = await app.security.accountSecurity.setPasswordByAdmin({ address, password, by: CLI_ACTOR });
    process.stdout.write(`password of ${row.address} changed; its sessions were signed out\n`);
  });

  const disable: CommandSpec = {
    usage: 'disable <address>',
    options: [new Option('--reason <text>', 'why (shown to admins, recorded)').makeOptionMandatory()],
    description: 'disable an account: it can no longer sign in or send',
  };
  command(user, globals, disable, async (app, address: string, options: { reason: string }) => {
    const row = await app.security.accountSecurity.disable({ address, reason: options.reason, by: CLI_ACTOR });
    process.stdout.write(`account ${row.address} disabled\n`);
  });

  command(user, globals, { usage: 'enable <address>', description: 'enable a disabled account' }, async (app, address: string) => {
    const row = await app.security.accountSecurity.enable({ address, by: CLI_ACTOR });
    process.stdout.write(`account ${row.address} enabled\n`);
  });

  command(user, globals, { usage: 'delete <address>', description: 'delete an account and its aliases' }, async (app, address: string) => {
    const row = await app.accounts.getUser(address);
    // Recorded before the delete: audit_log.account_id references the account (ON DELETE SET NULL
    // keeps the address), so an entry naming an id that is already gone breaks the foreign key.
    await app.security.audit.append({ actor: CLI_ACTOR.actor, action: 'account.deleted', account: { id: row.id, address: row.address } });
    await app.accounts.deleteUser(address);
    process.stdout.write(`account ${row.address} deleted\n`);
  });

  registerUserSecurityCommands(user, globals);
  registerUserDeviceCommands(user, globals);
}
