// `mailward user add|list|show|passwd|disable|enable|delete`.
import type { Command } from 'commander';
import { generateOneTimePassword } from '../../accounts/index.js';
import type { GlobalOptions } from '../context.js';
import { withApp } from '../context.js';
import { printJSON, printTable } from '../output.js';
import { presentAccount } from '../presenters.js';
import { readSecretFromStdin } from '../read-secret.js';
import { CLI_ACTOR } from './actor.js';
import { registerUserDeviceCommands } from './user-devices.js';
import { registerUserSecurityCommands } from './user-security.js';

export function registerUserCommands(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('manage accounts');

  user
    .command('add')
    .argument('<address>', 'the account address, e.g. alice@example.org')
    .option('--name <name>', 'display name')
    .option('--admin', 'make the account an administrator')
    .option('--password-stdin', 'read the password from standard input')
    .description('create an account (without --password-stdin a one-time password is generated and printed once)')
    .action((address: string, options: { name?: string; admin?: boolean; passwordStdin?: boolean }) =>
      withApp(globals(), async (app) => {
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
      }),
    );

  user
    .command('list')
    .option('--domain <domain>', 'only this domain')
    .option('--json', 'print JSON')
    .description('list accounts')
    .action((options: { domain?: string; json?: boolean }) =>
      withApp(globals(), async (app) => {
        const rows = (await app.accounts.listUsers(options.domain !== undefined ? { domain: options.domain } : {})).map(presentAccount);
        if (options.json) printJSON(rows);
        else
          printTable(
            ['ADDRESS', 'STATUS', 'ADMIN', 'NAME'],
            rows.map((a) => [a.address, a.status === 'disabled' ? `disabled (${a.disabledReason ?? ''})` : a.status, a.admin ? 'yes' : '', a.displayName]),
          );
      }),
    );

  user
    .command('show')
    .argument('<address>')
    .option('--json', 'print JSON')
    .description('show one account')
    .action((address: string, options: { json?: boolean }) =>
      withApp(globals(), async (app) => {
        const row = await app.accounts.getUser(address);
        const aliases = await app.accounts.aliasesOf(row);
        const view = { ...presentAccount(row), aliases };
        if (options.json) printJSON(view);
        else
          for (const [key, value] of Object.entries(view)) {
            process.stdout.write(`${key.padEnd(20)} ${Array.isArray(value) ? value.join(', ') : String(value ?? '')}\n`);
          }
      }),
    );

  user
    .command('passwd')
    .argument('<address>')
    .option('--password-stdin', 'read the new password from standard input')
    .description("set an account's password (the strength policy applies)")
    .action((address: string) =>
      withApp(globals(), async (app) => {
        await app.accounts.getUser(address);
        const password = await readSecretFromStdin({ prompt: 'New password: ' });
        const row = await app.security.accountSecurity.setPasswordByAdmin({ address, password, by: CLI_ACTOR });
        process.stdout.write(`password of ${row.address} changed; its sessions were signed out\n`);
      }),
    );

  user
    .command('disable')
    .argument('<address>')
    .requiredOption('--reason <text>', 'why (shown to admins, recorded)')
    .description('disable an account: it can no longer sign in or send')
    .action((address: string, options: { reason: string }) =>
      withApp(globals(), async (app) => {
        const row = await app.security.accountSecurity.disable({ address, reason: options.reason, by: CLI_ACTOR });
        process.stdout.write(`account ${row.address} disabled\n`);
      }),
    );

  user
    .command('enable')
    .argument('<address>')
    .description('enable a disabled account')
    .action((address: string) =>
      withApp(globals(), async (app) => {
        const row = await app.security.accountSecurity.enable({ address, by: CLI_ACTOR });
        process.stdout.write(`account ${row.address} enabled\n`);
      }),
    );

  user
    .command('delete')
    .argument('<address>')
    .description('delete an account and its aliases')
    .action((address: string) =>
      withApp(globals(), async (app) => {
        const row = await app.accounts.getUser(address);
        // Recorded before the delete: audit_log.account_id references the account (ON DELETE SET NULL
        // keeps the address), so an entry naming an id that is already gone breaks the foreign key.
        await app.security.audit.append({ actor: CLI_ACTOR.actor, action: 'account.deleted', account: { id: row.id, address: row.address } });
        await app.accounts.deleteUser(address);
        process.stdout.write(`account ${row.address} deleted\n`);
      }),
    );

  registerUserSecurityCommands(user, globals);
  registerUserDeviceCommands(user, globals);
}
