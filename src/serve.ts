// Composition root, second half: starts the listeners of `serve` (loaded only by that command, so other commands start fast).
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server as TLSServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { ListenerName } from './config/index.js';
import { MailwardError } from './errors/index.js';
import type { App } from './main.js';
import { createSystemResolver } from './transport/dns/dns-resolver.js';
import type { DNSResolver } from './transport/dns/dns-resolver.js';
import { SRS, SenderAuthenticator, createDKIMSigner } from './transport/index.js';
import type { OutboundSettings } from './transport/index.js';
import { OutboundWorker } from './transport/index.js';
import { InboundDelivery, Submission } from './transport/index.js';
import { startSMTP } from './server/smtp/smtp-listeners.js';
import type { RunningSMTP } from './server/smtp/smtp-listeners.js';
import { startIMAP } from './server/imap/imap-listeners.js';
import type { RunningIMAP } from './server/imap/imap-listeners.js';
import { TLSManager } from './server/tls/index.js';
import { startPOP3 } from './server/pop3/pop3-listeners.js';
import type { RunningPOP3 } from './server/pop3/pop3-listeners.js';
import { buildHTTPApp } from './web/api/http-app.js';
import type { MailAPIDeps } from './web/api/mail/routes.js';

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
}

/** Starts every listener that exists and is enabled. */
export async function startServer(app: App, options: StartServerOptions = {}): Promise<RunningServer> {
  const { config, logger } = app;
  // Built first: a bad outbound setting (an unreadable ca_file) must fail before any socket opens.
  // One resolver (and its cache) for sender checks and MX routing.
  const resolver = createSystemResolver();
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
  const prune = (): void => void housekeeping(app).catch((error: unknown) => logger.error({ err: error }, 'housekeeping failed'));
  let pruneTimer: NodeJS.Timeout | undefined;
  if (options.periodicJobs !== false) {
    prune();
    pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
    pruneTimer.unref();
  }
  outbound.start();
  return {
    listeners,
    outbound,
    close: async () => {
      clearInterval(pruneTimer);
      // Half the shutdown grace for deliveries in flight; unfinished ones are released for the next start.
      await outbound.stop({ graceMs: config.shutdown.grace_seconds * 500 });
      await app.security.sessions.stop();
      await app.security.alerts.stop();
      await Promise.all([smtp?.close(), pop3?.close(), imap?.close(), ...apps.map((a) => a.close())]);
      tls.close();
    },
  };
}

function enabledListeners<N extends ListenerName>(app: App, names: N[]): Array<{ name: N; host: string; port: number }> {
  return names.filter((name) => app.config.listeners[name].enabled).map((name) => ({ name, host: app.config.listeners[name].host, port: app.config.listeners[name].port }));
}

function imapDeps(app: App): Parameters<typeof startIMAP>[0] {
  const { imap } = app.config;
  return {
    hostname: app.config.hostname,
    security: app.security,
    mailboxes: app.mailboxes,
    events: app.events,
    logger: app.logger.child({ component: 'imap' }),
    now: app.now,
    allowPlaintextAuth: imap.allow_plaintext_auth,
    maxConnectionsPerAccount: imap.max_connections_per_account,
    maxConnectionsPerIp: imap.max_connections_per_ip,
    loginTimeoutMs: imap.login_timeout_seconds * 1000,
    autologoutMs: imap.autologout_minutes * 60_000,
    maxMessageBytes: app.config.smtp.max_message_bytes,
  };
}

function pop3Deps(app: App): Parameters<typeof startPOP3>[0] {
  const { pop3 } = app.config;
  return {
    hostname: app.config.hostname,
    security: app.security,
    mailboxes: app.mailboxes,
    state: app.store.state,
    logger: app.logger.child({ component: 'pop3' }),
    now: app.now,
    allowPlaintextAuth: pop3.allow_plaintext_auth,
    loginTimeoutMs: pop3.login_timeout_seconds * 1000,
    autologoutMs: pop3.autologout_minutes * 60_000,
    maxConnectionsPerIp: pop3.max_connections_per_ip,
  };
}

/** The webmail's mail API: the same Mailboxes as IMAP and the same Submission path as authenticated SMTP. */
function webMailDeps(app: App, options: { kickOutbound: () => void }): MailAPIDeps {
  const signer = createDKIMSigner({ store: app.store, key: app.key, now: app.now });
  return {
    mailboxes: app.mailboxes,
    events: app.events,
    accounts: app.accounts,
    recipients: app.recipients,
    submission: new Submission({ mail: app.mail, recipients: app.recipients, volume: app.security.volume, hostname: app.config.hostname, now: app.now, signer, kickOutbound: options.kickOutbound }),
    maxMessageBytes: app.config.smtp.max_message_bytes,
    imageSenders: app.store.imageSenders,
    imageProxy: { key: app.key },
    now: app.now,
  };
}

function smtpDeps(app: App, options: { resolver: DNSResolver; kickOutbound: () => void }): Parameters<typeof startSMTP>[0] {
  const hostname = app.config.hostname;
  const { resolver, kickOutbound } = options;
  const signer = createDKIMSigner({ store: app.store, key: app.key, now: app.now });
  return {
    hostname,
    security: app.security,
    recipients: app.recipients,
    inbound: new InboundDelivery({
      mail: app.mail,
      hostname,
      now: app.now,
      ...(app.config.smtp.verify_senders
        ? {
            sender: new SenderAuthenticator({
              resolver,
              dmarcEnforce: async (domains) =>
                (await Promise.all(domains.map((domain) => app.policies.get('smtp.dmarc_enforce', { domain })))).some(Boolean),
            }),
          }
        : {}),
      forwarding: {
        lists: app.forwarding,
        recipients: app.recipients,
        rewriteSender: (mailFrom, domain) => new SRS({ key: app.key, domain }).forward(mailFrom, app.now()),
        signer,
        kickOutbound,
      },
    }),
    submission: new Submission({ mail: app.mail, recipients: app.recipients, volume: app.security.volume, hostname, now: app.now, signer, kickOutbound }),
    logger: app.logger.child({ component: 'smtp' }),
    maxMessageBytes: app.config.smtp.max_message_bytes,
    maxRecipients: app.config.smtp.max_recipients,
    maxClients: app.config.smtp.max_clients,
    allowPlaintextAuth: app.config.smtp.allow_plaintext_auth,
    reverseSRS: (address) => {
      const domain = address.split('@')[1] ?? '';
      const result = new SRS({ key: app.key, domain }).reverse(address, app.now());
      return result.ok ? result.address : null;
    },
  };
}

const PRUNE_INTERVAL_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

/** The hourly jobs: login records past login_records.retention_days and dead web sessions go; old backup code sets are reminded of. */
export async function housekeeping(app: App): Promise<number> {
  const days = await app.policies.get('login_records.retention_days');
  const removed = await app.security.loginRecords.prune({ before: app.now() - days * DAY_MS });
  if (removed > 0) app.logger.info({ removed, days }, 'pruned login records');
  // Web sessions: rows that ended, or went idle, more than a day ago serve no one (the longest
  // session.idle_minutes is a day); dropping them keeps the table the size of the live sessions.
  const reminded = await app.security.twoFactor.remindAgingBackupCodes();
  if (reminded > 0) app.logger.info({ reminded }, 'reminded accounts of old backup codes');
  const sessions = await app.store.devices.pruneSessions(app.now() - DAY_MS);
  if (sessions > 0) app.logger.info({ removed: sessions }, 'pruned ended web sessions');
  return removed;
}

/** The `outbound` config table as the worker's settings; a ca_file that cannot be read is a config error. */
export function outboundSettings(config: App['config']): OutboundSettings {
  const relay = config.outbound.smarthost;
  let ca: string | undefined;
  if (relay.ca_file !== '') {
    try {
      ca = fs.readFileSync(relay.ca_file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'read error';
      throw new MailwardError('CONFIG_INVALID', { message: `config: outbound.smarthost.ca_file: cannot read ${relay.ca_file}: ${reason}`, cause: error });
    }
  }
  return {
    hostname: config.hostname,
    heloName: config.outbound.helo_name || config.hostname,
    port: config.outbound.port,
    requireTLS: config.outbound.require_tls,
    concurrency: config.outbound.concurrency,
    connectTimeoutMs: config.outbound.connect_timeout_seconds * 1000,
    smarthost:
      relay.host === ''
        ? null
        : { host: relay.host, port: relay.port, tls: relay.tls, username: relay.username, password: relay.password, ...(ca ? { ca } : {}) },
  };
}

function createOutboundWorker(app: App, resolver: DNSResolver): OutboundWorker {
  return new OutboundWorker({
    store: app.store,
    mail: app.mail,
    accounts: app.accounts,
    resolver,
    settings: outboundSettings(app.config),
    logger: app.logger,
    now: app.now,
  });
}
