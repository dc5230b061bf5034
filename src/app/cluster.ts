// Several `serve` processes on one data directory (node:cluster): the supervisor forks and restarts the workers and relays their events to each other; each worker serves every listener.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { EventLink, MailwardEvent } from '../shared-state/index.js';

/** What travels between the supervisor and a worker over the IPC channel. */
type ClusterMessage = { mailward: 'event'; event: MailwardEvent } | { mailward: 'ready' };

function isClusterMessage(value: unknown): value is ClusterMessage {
  return typeof value === 'object' && value !== null && ((value as ClusterMessage).mailward === 'event' || (value as ClusterMessage).mailward === 'ready');
}

/**
 * Set in each worker's environment: its place among the workers, 0 first (the one that runs the
 * periodic jobs). Not MAILWARD_*: those are configuration, and an unknown one is refused.
 */
export const WORKER_INDEX_ENV = 'MW_CLUSTER_WORKER_INDEX';

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[WORKER_INDEX_ENV] !== undefined;
}

export function workerIndex(): number {
  return Number(process.env[WORKER_INDEX_ENV] ?? 0);
}

/** A worker's side of the event relay: what it publishes goes to the supervisor, which hands it to the others. */
export function workerEventLink(): EventLink {
  let receive: ((event: MailwardEvent) => void) | undefined;
  const onMessage = (message: unknown): void => {
    if (isClusterMessage(message) && message.mailward === 'event') receive?.(message.event);
  };
  process.on('message', onMessage);
  return {
    send: (event) => {
      // A worker whose supervisor is gone is shutting down; the event still reached this process.
      if (process.connected) process.send?.({ mailward: 'event', event } satisfies ClusterMessage);
    },
    onReceive: (handler) => {
      receive = handler;
    },
    close: () => {
      process.off('message', onMessage);
    },
  };
}

/** Tells the supervisor this worker listens on every socket. */
export function reportWorkerReady(): void {
  process.send?.({ mailward: 'ready' } satisfies ClusterMessage);
}

export interface SupervisorOptions {
  workers: number;
  logger: Logger;
  /** How long workers get to finish after SIGTERM before they are killed. */
  graceMs: number;
}

const RESTART_DELAY_MS = 1_000;

/**
 * Runs in the supervising process: forks `workers` copies of this command (each re-enters `serve`
 * as a worker), relays every event one publishes to all the others, restarts a worker that dies,
 * and on SIGTERM/SIGINT stops them all. Resolves when every worker has exited.
 */
export function superviseWorkers(options: SupervisorOptions): Promise<number> {
  const { logger } = options;
  const live = new Map<number, { worker: Worker; ready: boolean }>();
  let stopping = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    let readyCount = 0;
    const fork = (index: number): void => {
      const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) });
      const entry = { worker, ready: false };
      live.set(index, entry);
      worker.on('message', (message: unknown) => {
        if (!isClusterMessage(message)) return;
        if (message.mailward === 'ready') {
          entry.ready = true;
          readyCount += 1;
          if (readyCount === options.workers) logger.info({ workers: options.workers }, 'mailward started');
          return;
        }
        for (const [other, entry] of live) {
          if (other !== index && entry.worker.isConnected()) entry.worker.send(message);
        }
      });
      worker.on('exit', (code, signal) => {
        live.delete(index);
        if (stopping) {
          if (live.size === 0) resolve(exitCode);
          return;
        }
        // One that never got to listen is failing to start (a port taken, a bad setting): restarting would only loop.
        const early = !entry.ready;
        logger.error({ worker: index, code, signal }, early ? 'worker failed to start; stopping' : 'worker died; restarting it');
        if (early) {
          exitCode = 1;
          stop('SIGTERM');
          if (live.size === 0) resolve(exitCode);
          return;
        }
        setTimeout(() => {
          if (!stopping) fork(index);
        }, RESTART_DELAY_MS).unref();
      });
    };

    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal means "now".
        for (const { worker } of live.values()) worker.process.kill('SIGKILL');
        return;
      }
      stopping = true;
      logger.info({ signal }, 'shutting down workers');
      for (const { worker } of live.values()) worker.process.kill('SIGTERM');
      const grace = setTimeout(() => {
        for (const { worker } of live.values()) worker.process.kill('SIGKILL');
      }, options.graceMs + 2_000);
      grace.unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    for (let index = 0; index < options.workers; index++) fork(index);
  });
}
