// `mailward policy get [KEY]` and `mailward policy set KEY VALUE [--domain D]`.
import type { Command } from 'commander';
import { normalizeDomain } from '../../lib/index.js';
import { parsePolicyText } from '../../accounts/index.js';
import { MailwardError } from '../../errors/index.js';
import { changePolicy } from '../../security/index.js';
import { CLI_ACTOR } from './actor.js';
import type { CommandSpec } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { printJSON, printTable } from '../output.js';

export function registerPolicyCommands(program: Command, globals: () => GlobalOptions): void {
  const policy = program.command('policy').description('read and change admin policies');
  const get: CommandSpec = {
    usage: 'get [key]',
    about: ['one policy key (all when omitted)'],
    options: [['--domain <domain>', 'the value in force for this domain']],
    json: true,
    description: 'show policies and where each value comes from',
  };
  command(policy, globals, get, async (app, key: string | undefined, options: { domain?: string; json?: boolean }) => {
    const scope = options.domain !== undefined ? { domain: options.domain } : {};
    if (options.domain !== undefined) {
      // A misspelt --domain must fail, not show the global values as if they were that domain's.
      const domain = normalizeDomain(options.domain);
      if (!(await app.store.domains.findByName(domain))) throw new MailwardError('NOT_FOUND', { message: `domain ${domain} does not exist` });
    }
    const entries = key === undefined ? await app.policies.list(scope) : [await app.policies.entry(key, scope)];
    if (options.json) printJSON(key === undefined ? entries : entries[0]);
    else printTable(['KEY', 'VALUE', 'SOURCE'], entries.map((e) => [e.key, JSON.stringify(e.value), e.source]));
  });
  const set: CommandSpec = { usage: 'set <key> <value>', options: [['--domain <domain>', 'set it for one domain only']], description: 'change a policy (globally, or for one domain)' };
  command(policy, globals, set, async (app, key: string, text: string, options: { domain?: string }) => {
    const value = parsePolicyText(key, text);
    const scope = options.domain !== undefined ? { domain: options.domain } : {};
    await changePolicy({ policies: app.policies, audit: app.security.audit }, { key, value, ...scope, by: CLI_ACTOR });
    process.stdout.write(`policy ${key} = ${JSON.stringify(value)}${options.domain ? ` for ${options.domain}` : ''}\n`);
  });
}
