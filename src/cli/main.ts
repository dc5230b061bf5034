// The `mailward` command line: parses arguments, runs one command, maps errors to one stderr line and an exit code.
import { Command, CommanderError } from 'commander';
import { isMailwardError } from '../errors/index.js';
import { registerAliasCommands } from './commands/alias.js';
import { registerDomainCommands } from './commands/domain.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerSecurityCommands } from './commands/security.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUserCommands } from './commands/user.js';
import type { GlobalOptions } from './context.js';

/** Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

/** Passwords in argv leak into `ps` and shell history; refuse them outright. */
function refusePasswordArgument(argv: string[]): void {
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError('passwords are not accepted on the command line (they leak into shell history and ps); use --password-stdin');
  }
}

function buildProgram(): Command {
  const program = new Command('mailward')
    .description('Mailward: a mail server and webmail whose accounts are hard to steal')
    .option('--data <dir>', 'data directory (default: $MAILWARD_DATA or ./data)')
    .option('--config <file>', 'config file (default: $MAILWARD_CONFIG or <data>/mailward.toml)')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`mailward: ${text.replace(/^error: /, '').trim().split('\n')[0]}\n`),
    });
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerServeCommand(program, globals);
  registerDomainCommands(program, globals);
  registerUserCommands(program, globals);
  registerAliasCommands(program, globals);
  registerPolicyCommands(program, globals);
  registerSecurityCommands(program, globals);
  registerQueueCommands(program, globals);
  // Subcommands share the same behaviour on bad usage.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

const APP_PASSWORD_ACTIONS = new Set(['list', 'add', 'revoke']);

/**
 * `user app-passwords` also accepts the address before the action
 * (`user app-passwords ADDRESS list|add NAME|revoke ID`), the form the admin guide uses.
 */
export function normalizeArgv(argv: string[]): string[] {
  const at = argv.indexOf('app-passwords');
  const address = argv[at + 1];
  const action = argv[at + 2];
  if (at > 0 && argv[at - 1] === 'user' && address?.includes('@') && action !== undefined && APP_PASSWORD_ACTIONS.has(action)) {
    return [...argv.slice(0, at + 1), action, address, ...argv.slice(at + 3)];
  }
  return argv;
}

export async function run(argv: string[]): Promise<number> {
  try {
    refusePasswordArgument(argv.slice(2));
    await buildProgram().parseAsync(normalizeArgv(argv));
    // A command that finished without throwing may still have failed (serve's supervisor when a worker could not start).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`mailward: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (isMailwardError(error)) {
      process.stderr.write(`mailward: ${error.message.split('\n')[0]}\n`);
      return EXIT_FAILURE;
    }
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    // Storage failures met mid-command (disk full, read-only, I/O) are the admin's to fix, not bugs.
    if (/^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED)/.test(code) || ['ENOSPC', 'EROFS', 'EACCES', 'EDQUOT', 'EIO'].includes(code)) {
      process.stderr.write(`mailward: storage error (${code}): ${message}\n`);
      return EXIT_FAILURE;
    }
    process.stderr.write(`mailward: internal error: ${message}\n`);
    return EXIT_FAILURE;
  }
}

process.exitCode = await run(process.argv);
