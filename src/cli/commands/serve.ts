// `mailward serve`: the command line's side of running the server (options only; src/app runs it).
import type { Command } from 'commander';
import { runServer } from '../../app/index.js';
import type { GlobalOptions } from '../context.js';
import { resolveSettings } from '../context.js';

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the mail server (SMTP, IMAP, POP3, web) until SIGTERM/SIGINT')
    .option('--first-run', 'on an empty data directory, create example.test and admin@example.test with a one-time password')
    .action(async (options: { firstRun?: boolean }) => {
      const settings = resolveSettings(globals());
      const code = await runServer({ dataDir: settings.dataDir, config: settings.config, firstRun: options.firstRun === true });
      if (code !== 0) process.exitCode = code;
    });
}
