// `mailward serve`: every listener, in one process or in several workers under a supervisor (server.workers), with graceful shutdown on SIGTERM/SIGINT.
import type { Command } from 'commander';
import { ensureFirstRunAdmin } from '../../accounts/index.js';
import { createLogger } from '../../logger.js';
import { openApp } from '../../main.js';
import type { App } from '../../main.js';
import { isClusterWorker, reportWorkerReady, superviseWorkers, workerEventLink, workerIndex } from '../../cluster.js';
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

/** `--first-run`: on an empty data directory, the domain and the administrator, announced once. */
async function firstRun(app: App): Promise<void> {
  const created = await ensureFirstRunAdmin(app.accounts);
  if (created) announceFirstRun(created.address, created.password);
}

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the mail server (SMTP, IMAP, POP3, web) until SIGTERM/SIGINT')
    .option('--first-run', 'on an empty data directory, create example.test and admin@example.test with a one-time password')
    .action(async (options: { firstRun?: boolean }) => {
      const settings = resolveSettings(globals());
      const logger = createLogger({ level: settings.config.log.level });
      const graceMs = settings.config.shutdown.grace_seconds * 1000;
      const worker = isClusterWorker();
      if (settings.config.server.workers > 1 && !worker) {
        // The supervisor: migrations and the first-run account happen once, here, before any worker opens the store.
        const app = await openApp({ dataDir: settings.dataDir, config: settings.config, logger });
        try {
          if (options.firstRun) await firstRun(app);
        } finally {
          await app.close();
        }
        const code = await superviseWorkers({ workers: settings.config.server.workers, logger, graceMs });
        logger.info('stopped');
        logger.flush();
        process.exitCode = code;
        return;
      }

      const app = await openApp({ dataDir: settings.dataDir, config: settings.config, logger, ...(worker ? { eventLink: workerEventLink() } : {}) });
      // Loaded here so that other commands never pay for the HTTP and TLS stack.
      const { startServer } = await import('../../serve.js');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        if (options.firstRun && !worker) await firstRun(app);
        server = await startServer(app, { periodicJobs: !worker || workerIndex() === 0 });
      } catch (error) {
        await app.close();
        throw error;
      }
      if (worker) reportWorkerReady();
      else logger.info({ dataDir: settings.dataDir, database: app.store.dialect }, 'mailward started');

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
          }, graceMs);
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
        // A worker hears Ctrl-C with its whole terminal and then SIGTERM from the supervisor; the
        // supervisor's signal is the one that counts, so the first does not skip the grace period.
        if (worker) process.on('SIGINT', () => undefined);
        else process.on('SIGINT', stop);
      });
      // A worker's IPC channel keeps it alive; once its work is done it leaves.
      if (worker) process.disconnect?.();
    });
}
