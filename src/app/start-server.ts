// Starts the doors of `serve` (SMTP, IMAP, POP3, HTTP/HTTPS), the outbound worker and, in one process of several, the periodic jobs; loaded only by that command, so other commands start fast.
import type { AddressInfo } from 'node:net';
import type { Server as TLSServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { MailwardError } from '../errors/index.js';
import { createSystemResolver } from '../transport/dns/dns-resolver.js';
import type { DNSResolver } from '../transport/dns/dns-resolver.js';
import type { OutboundWorker } from '../transport/index.js';
import { startSMTP } from '../server/smtp/smtp-listeners.js';
import type { RunningSMTP } from '../server/smtp/smtp-listeners.js';
import { startIMAP } from '../server/imap/imap-listeners.js';
import type { RunningIMAP } from '../server/imap/imap-listeners.js';
import { TLSManager } from '../server/tls/index.js';
import { startPOP3 } from '../server/pop3/pop3-listeners.js';
import type { RunningPOP3 } from '../server/pop3/pop3-listeners.js';
import { buildHTTPApp } from '../web/api/http-app.js';
import type { ListenerName } from '../config/index.js';
import type { App } from './open-app.js';
import { createOutboundWorker, enabledListeners, imapDeps, pop3Deps, smtpDeps, webMailDeps } from './door-deps.js';
import { scheduleJobs } from './jobs.js';

export interface RunningServer {
  /** Where each enabled listener is bound (port 0 in the config becomes the real port). */
  readonly listeners: Partial<Record<ListenerName, { host: string; port: number }>>;
  /** The outbound queue worker: call `kick()` after enqueueing remote recipients. */
  readonly outbound: OutboundWorker;
  /** Stops accepting, lets in-flight requests finish, then closes the listeners. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  /**
   * Runs the hourly housekeeping (pruning, backup-code reminders) here; false in all but one of
   * several processes on the same data directory, so each job runs once.
   */
  periodicJobs?: boolean;
  /** Answers the DNS questions of sender checks and MX routing; the system's resolver by default. */
  resolver?: DNSResolver;
}

/** Starts every listener that exists and is enabled. */
export async function startServer(app: App, options: StartServerOptions = {}): Promise<RunningServer> {
  const { config, logger } = app;
  // Built first: a bad outbound setting (an unreadable ca_file) must fail before any socket opens.
  // One resolver (and its cache) for sender checks and MX routing.
  const resolver = options.resolver ?? createSystemResolver();
  const outbound = createOutboundWorker(app, resolver);
  const tls = await TLSManager.open({
    dataDir: app.dataDir,
    hostname: config.hostname,
    ...(config.tls.cert_file ? { certFile: config.tls.cert_file, keyFile: config.tls.key_file } : {}),
    logger,
  });
  const listeners: RunningServer['listeners'] = {};
  const apps: FastifyInstance[] = [];
  let smtp: RunningSMTP | undefined;
  let pop3: RunningPOP3 | undefined;
  let imap: RunningIMAP | undefined;
  const deps = {
    logger,
    checkStorage: () => app.store.ping(),
    security: app.security,
    publicURL: app.publicURL,
    mail: webMailDeps(app, { kickOutbound: () => outbound.kick() }),
    settings: { forwarding: app.forwarding },
  };
  try {
    smtp = await startSMTP(smtpDeps(app, { resolver, kickOutbound: () => outbound.kick() }), tls, enabledListeners(app, ['smtp', 'submission', 'smtps']));
    for (const listener of smtp.listeners) {
      listeners[listener.name] = { host: listener.host, port: listener.port };
      logger.info({ listener: listener.name, host: listener.host, port: listener.port }, 'listening');
    }
    imap = await startIMAP(imapDeps(app), tls, enabledListeners(app, ['imap', 'imaps']));
    for (const listener of imap.listeners) {
      listeners[listener.name] = { host: listener.host, port: listener.port };
      logger.info({ listener: listener.name, host: listener.host, port: listener.port }, 'listening');
    }
    pop3 = await startPOP3(pop3Deps(app), tls, enabledListeners(app, ['pop3', 'pop3s']));
    for (const listener of pop3.listeners) {
      listeners[listener.name] = { host: listener.host, port: listener.port };
      logger.info({ listener: listener.name, host: listener.host, port: listener.port }, 'listening');
    }
    for (const name of ['http', 'https'] as const) {
      const listener = config.listeners[name];
      if (!listener.enabled) continue;
      const http = name === 'https' ? buildHTTPApp(deps, { https: tls.credentials }) : buildHTTPApp(deps);
      apps.push(http);
      await http.listen({ host: listener.host, port: listener.port, listenTextResolver: (address) => `${name} listening at ${address}` });
      if (name === 'https') tls.attach(http.server as unknown as TLSServer);
      const address = http.server.address() as AddressInfo;
      listeners[name] = { host: address.address, port: address.port };
      logger.info({ listener: name, host: address.address, port: address.port }, 'listening');
    }
  } catch (error) {
    await smtp?.close();
    await pop3?.close();
    await imap?.close();
    await Promise.all(apps.map((a) => a.close()));
    tls.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new MailwardError('CONFIG_INVALID', { message: `listen: ${(error as Error).message}`, cause: error });
    }
    throw error;
  }
  app.security.sessions.start();
  app.security.alerts.start();
  const stopJobs = options.periodicJobs !== false ? scheduleJobs(app) : (): void => undefined;
  outbound.start();
  return {
    listeners,
    outbound,
    close: async () => {
      stopJobs();
      // Half the shutdown grace for deliveries in flight; unfinished ones are released for the next start.
      await outbound.stop({ graceMs: config.shutdown.grace_seconds * 500 });
      await app.security.sessions.stop();
      await app.security.alerts.stop();
      await Promise.all([smtp?.close(), pop3?.close(), imap?.close(), ...apps.map((a) => a.close())]);
      tls.close();
    },
  };
}

