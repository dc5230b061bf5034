// `serve` from start to stop: in one process, or as the supervisor of several workers (server.workers) or one of them; first run, readiness and graceful shutdown on SIGTERM/SIGINT.
import type { MailwardConfig } from '../config/index.js';
import { ensureFirstRunAdmin } from '../accounts/index.js';
import { isClusterWorker, reportWorkerReady, superviseWorkers, workerEventLink, workerIndex } from './cluster.js';
import { createLogger } from './logger.js';
import type { App } from './open-app.js';
import { openApp } from './open-app.js';

export interface RunServerOptions {
  dataDir: string;
  config: MailwardConfig;
  /** On an empty data directory, create example.test and its administrator with a one-time password. */
  firstRun: boolean;
}

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
export async function firstRun(app: App): Promise<void> {
  const created = await ensureFirstRunAdmin(app.accounts);
  if (created) announceFirstRun(created.address, created.password);
}

/** Runs the server until a signal stops it; resolves with the process's exit code. */
export async function runServer(options: RunServerOptions): Promise<number> {
  const { config, dataDir } = options;
  const logger = createLogger({ level: config.log.level });
  const graceMs = config.shutdown.grace_seconds * 1000;
  const worker = isClusterWorker();
  if (config.server.workers > 1 && !worker) {
    // The supervisor: migrations and the first-run account happen once, here, before any worker opens the store.
    const app = await openApp({ dataDir, config, logger });
    try {
      if (options.firstRun) await firstRun(app);
    } finally {
      await app.close();
    }
    const code = await superviseWorkers({ workers: config.server.workers, logger, graceMs });
    logger.info('stopped');
    logger.flush();
    return code;
  }

  const app = await openApp({ dataDir, config, logger, ...(worker ? { eventLink: workerEventLink() } : {}) });
  // Loaded here so that other commands never pay for the HTTP and TLS stack.
  const { startServer } = await import('./start-server.js');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    if (options.firstRun && !worker) await firstRun(app);
    server = await startServer(app, { periodicJobs: !worker || workerIndex() === 0 });
  } catch (error) {
    await app.close();
    throw error;
  }
  if (worker) reportWorkerReady();
  else logger.info({ dataDir, database: app.store.dialect }, 'mailward started');

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
        logger.error({ graceSeconds: config.shutdown.grace_seconds }, 'shutdown grace period over; exiting');
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
  return 0;
}
