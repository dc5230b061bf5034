// `mailward user services|logins|app-passwords|2fa|audit`: the admin's view of an account's security.
import type { Command } from 'commander';
import { MailwardError } from '../../errors/index.js';
import type { AuditView } from '../../kernel/index.js';
import type { MailServices } from '../../security/index.js';
import { servicesOf } from '../../security/index.js';
import type { CommandSpec, JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { isoTime, printJSON, printRows, printTable } from '../output.js';
import { CLI_ACTOR } from './actor.js';

function onOff(value: string, option: string): boolean {
  if (/^(on|open|true|yes)$/i.test(value)) return true;
  if (/^(off|closed|false|no)$/i.test(value)) return false;
  throw new MailwardError('INVALID_INPUT', { message: `${option}: expected on or off, got "${value.slice(0, 20)}"` });
}

function positiveInt(value: string, option: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) throw new MailwardError('INVALID_INPUT', { message: `${option}: expected a positive integer` });
  return Number(value);
}

export function registerUserSecurityCommands(user: Command, globals: () => GlobalOptions): void {
  const services: CommandSpec = {
    usage: 'services <address>',
    options: [
      ['--smtp <on|off>', 'open or close SMTP for the account'],
      ['--imap <on|off>', 'open or close IMAP4'],
      ['--pop3 <on|off>', 'open or close POP3'],
    ],
    json: true,
    description: 'show or switch the mail services (SMTP, IMAP4, POP3) of an account',
  };
  command(user, globals, services, async (app, address: string, options: { smtp?: string; imap?: string; pop3?: string; json?: boolean }) => {
    const account = await app.accounts.getUser(address);
    const changes: Partial<MailServices> = {};
    if (options.smtp !== undefined) changes.smtp = onOff(options.smtp, '--smtp');
    if (options.imap !== undefined) changes.imap = onOff(options.imap, '--imap');
    if (options.pop3 !== undefined) changes.pop3 = onOff(options.pop3, '--pop3');
    const services = Object.keys(changes).length
      ? await app.security.accountSecurity.setServices({ account, changes, by: CLI_ACTOR })
      : servicesOf(account);
    if (options.json) printJSON(services);
    else printTable(['SERVICE', 'STATE'], Object.entries(services).map(([name, open]) => [name, open ? 'open' : 'closed']));
  });

  const logins: CommandSpec = {
    usage: 'logins <address>',
    options: [
      ['--result <result>', 'success or failure'],
      ['--limit <n>', 'how many records (newest first)', '50'],
    ],
    json: true,
    description: 'show the login records of an account, newest first',
  };
  command(user, globals, logins, async (app, address: string, options: { result?: string; limit: string; json?: boolean }) => {
    if (options.result !== undefined && options.result !== 'success' && options.result !== 'failure') {
      throw new MailwardError('INVALID_INPUT', { message: '--result: expected success or failure' });
    }
    const account = await app.accounts.getUser(address);
    const page = await app.security.loginRecords.page({
      accountId: account.id,
      limit: positiveInt(options.limit, '--limit'),
      ...(options.result ? { result: options.result } : {}),
    });
    const records = page.records.map((r) => ({ ...r, time: isoTime(r.time) }));
    printRows(records, options, ['TIME', 'PROTOCOL', 'IP', 'LOCATION', 'RESULT', 'REASON', 'CLIENT'], (r) => [
      r.time ?? '',
      r.protocol,
      r.ip,
      r.location,
      r.result,
      r.reason,
      r.client,
    ]);
  });

  registerAppPasswordCommands(user.command('app-passwords').description("manage an account's app passwords for mail clients"), globals);

  const twoFactor: CommandSpec = {
    usage: '2fa <address> [action]',
    about: ['', '"reset": turn two-factor sign-in off for a user who lost every factor'],
    json: true,
    description:
      "show an account's two-factor sign-in; `reset` turns it off, deletes the secret and backup codes and signs every session out (the user enrols again)",
  };
  command(user, globals, twoFactor, async (app, address: string, action: string | undefined, options: JSONOption) => {
    if (action !== undefined && action !== 'reset') {
      throw new MailwardError('INVALID_INPUT', { message: `user 2fa: unknown action "${action.slice(0, 20)}" (expected reset)` });
    }
    const account = await app.accounts.getUser(address);
    if (action === 'reset') {
      const result = await app.security.twoFactor.reset({ account, by: CLI_ACTOR });
      if (options.json) printJSON({ address: account.address, ...result });
      else
        process.stdout.write(
          `two-factor sign-in reset for ${account.address} (was ${result.wasEnabled ? 'on' : 'off'}; ${result.backupCodesDeleted} backup codes deleted; every session signed out)\n`,
        );
      return;
    }
    const status = await app.security.twoFactor.status(account);
    const view = {
      enabled: status.enabled,
      enabledAt: isoTime(status.enabledAt),
      pending: status.pending,
      backupCodes: { ...status.backupCodes, createdAt: isoTime(status.backupCodes.createdAt) },
      requirement: { ...status.requirement, graceEndsAt: isoTime(status.requirement.graceEndsAt) },
    };
    if (options.json) printJSON(view);
    else
      printTable(
        ['ENABLED', 'SINCE', 'BACKUP CODES LEFT', 'REMIND', 'REQUIRED', 'GRACE ENDS'],
        [
          [
            view.enabled ? 'yes' : 'no',
            view.enabledAt ?? '',
            view.enabled ? `${view.backupCodes.remaining}/${view.backupCodes.total}` : '',
            view.backupCodes.remind ? 'yes' : 'no',
            view.requirement.required ? 'yes' : 'no',
            view.requirement.graceEndsAt ?? '',
          ],
        ],
      );
  });

  const audit: CommandSpec = {
    usage: 'audit <address>',
    options: [['--limit <n>', 'how many entries (newest first)', '100']],
    json: true,
    description: "show the audit log of an account's security changes",
  };
  command(user, globals, audit, async (app, address: string, options: { limit: string; json?: boolean }) => {
    const account = await app.accounts.getUser(address);
    const entries = await app.security.audit.list({ accountId: account.id, limit: positiveInt(options.limit, '--limit') });
    printAudit(entries, options.json === true);
  });
}

function registerAppPasswordCommands(appPasswords: Command, globals: () => GlobalOptions): void {
  command(appPasswords, globals, { usage: 'list <address>', json: true }, async (app, address: string, options: JSONOption) => {
    const account = await app.accounts.getUser(address);
    const list = (await app.security.appPasswords.list(account)).map((a) => ({
      ...a,
      createdAt: isoTime(a.createdAt),
      lastUsedAt: isoTime(a.lastUsedAt),
    }));
    printRows(list, options, ['ID', 'NAME', 'PROTOCOLS', 'CREATED', 'LAST USED', 'LAST IP'], (a) => [
      String(a.id),
      a.name,
      a.protocols.join(','),
      a.createdAt ?? '',
      a.lastUsedAt ?? 'never',
      a.lastUsedIp ?? '',
    ]);
  });

  const add: CommandSpec = {
    usage: 'add <address> <name>',
    about: ['', 'what it is for, e.g. "Phone mail app"'],
    options: [['--protocols <list>', 'comma-separated: smtp,imap,pop3', 'smtp,imap,pop3']],
    json: true,
    description: 'create an app password; it is shown once',
  };
  command(appPasswords, globals, add, async (app, address: string, name: string, options: { protocols: string; json?: boolean }) => {
    const account = await app.accounts.getUser(address);
    const created = await app.security.appPasswords.create({ account, name, protocols: options.protocols, actor: CLI_ACTOR.actor });
    if (options.json) printJSON({ ...created.appPassword, createdAt: isoTime(created.appPassword.createdAt), secret: created.secret });
    else process.stdout.write(`app password ${created.appPassword.id} "${created.appPassword.name}" (shown once): ${created.secret}\n`);
  });

  command(appPasswords, globals, { usage: 'revoke <address> <id>', description: 'revoke an app password; clients using it are signed out' }, async (app, address: string, id: string) => {
    const account = await app.accounts.getUser(address);
    await app.security.appPasswords.revoke({ account, id: positiveInt(id, 'id'), actor: CLI_ACTOR.actor });
    process.stdout.write(`app password ${id} revoked\n`);
  });
}

export function printAudit(entries: AuditView[], json: boolean): void {
  const rows = entries.map((e) => ({ ...e, time: isoTime(e.time) }));
  if (json) printJSON(rows);
  else printTable(['TIME', 'ACTION', 'ACCOUNT', 'ACTOR', 'IP', 'DETAILS'], rows.map((e) => [e.time ?? '', e.action, e.account ?? '', e.actor, e.ip, JSON.stringify(e.details)]));
}
