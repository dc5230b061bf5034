// `mailward serve`: every listener in one process, with graceful shutdown on SIGTERM/SIGINT.
import type { Command } from 'commander';
import { ensureFirstRunAdmin } from '../../accounts/index.js';
import { createLogger } from '../../logger.js';
import { openApp } from '../../main.js';
import type { GlobalOptions } from '../context.js';
import { resolveSettings } from '../context.js';

/** Shown on the terminal, never through the logger: log files outlive the moment. */
function announceFirstRun(address: string, password: string): void {
  process.stderr.write(
    [
      '',
      '  Mailward first run: created the domain example.test and an administrator.',
      `    address:  ${address}`,
      `    password: ${password}`,
      '  This one-time password is shown only now; it must be changed at first sign-in.',
      '',
    ].join('\n') + '\n',
  );
}

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the mail server (SMTP, IMAP, POP3, web) until SIGTERM/SIGINT')
    .option('--first-run', 'on an empty data directory, create example.test and admin@example.test with a one-time password')
    .action(async (options: { firstRun?: boolean }) => {
      const settings = resolveSettings(globals());
      const logger = createLogger({ level: settings.config.log.level });
      const app = await openApp({ dataDir: settings.dataDir, config: settings.config, logger });
      // Loaded here so that other commands never pay for the HTTP and TLS stack.
      const { startServer } = await import('../../serve.js');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        if (options.firstRun) {
          const created = await ensureFirstRunAdmin(app.accounts);
          if (created) announceFirstRun(created.address, created.password);
        }
        server = await startServer(app);
      } catch (error) {
        await app.close();
        throw error;
      }
      logger.info({ dataDir: settings.dataDir, database: app.store.dialect }, 'mailward started');

      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) {
            // A second signal means "now": skip the grace period.
            logger.warn({ signal }, 'forced exit');
            process.exit(1);
          }
          stopping = true;
          logger.info({ signal }, 'shutting down');
          const grace = setTimeout(() => {
            logger.error({ graceSeconds: settings.config.shutdown.grace_seconds }, 'shutdown grace period over; exiting');
            process.exit(1);
          }, settings.config.shutdown.grace_seconds * 1000);
          grace.unref();
          void server
            .close()
            .then(() => app.close())
            .then(() => {
              clearTimeout(grace);
              logger.info('stopped');
              logger.flush();
              resolve();
            });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
