// What each door is given: the core's services and the config's settings, picked for SMTP, IMAP, POP3, the web API and the outbound worker.
import fs from 'node:fs';
import { MailwardError } from '../errors/index.js';
import type { App } from './open-app.js';
import type { DNSResolver } from '../transport/dns/dns-resolver.js';
import { SRS, SenderAuthenticator, createDKIMSigner } from '../transport/index.js';
import type { OutboundSettings } from '../transport/index.js';
import { OutboundWorker } from '../transport/index.js';
import { InboundDelivery, Submission, trustedRelayMatcher } from '../transport/index.js';
import type { ListenerName } from '../config/index.js';
import type { startSMTP } from '../server/smtp/smtp-listeners.js';
import type { startIMAP } from '../server/imap/imap-listeners.js';
import type { startPOP3 } from '../server/pop3/pop3-listeners.js';
import type { MailAPIDeps } from '../web/api/mail/routes.js';

export function enabledListeners<N extends ListenerName>(app: App, names: N[]): Array<{ name: N; host: string; port: number }> {
  return names.filter((name) => app.config.listeners[name].enabled).map((name) => ({ name, host: app.config.listeners[name].host, port: app.config.listeners[name].port }));
}

/** What IMAP and POP3 are both given: the core's mail services, and their own plain-text, connection, sign-in and idle limits. */
function mailboxDoorDeps(app: App, door: 'imap' | 'pop3') {
  const settings = app.config[door];
  return {
    hostname: app.config.hostname,
    security: app.security,
    mailboxes: app.mailboxes,
    logger: app.logger.child({ component: door }),
    now: app.now,
    allowPlaintextAuth: settings.allow_plaintext_auth,
    maxConnectionsPerIp: settings.max_connections_per_ip,
    loginTimeoutMs: settings.login_timeout_seconds * 1000,
    autologoutMs: settings.autologout_minutes * 60_000,
  };
}

export function imapDeps(app: App): Parameters<typeof startIMAP>[0] {
  return {
    ...mailboxDoorDeps(app, 'imap'),
    events: app.events,
    maxConnectionsPerAccount: app.config.imap.max_connections_per_account,
    maxMessageBytes: app.config.smtp.max_message_bytes,
  };
}

export function pop3Deps(app: App): Parameters<typeof startPOP3>[0] {
  return { ...mailboxDoorDeps(app, 'pop3'), state: app.store.state };
}

/** The webmail's mail API: the same Mailboxes as IMAP and the same Submission path as authenticated SMTP. */
export function webMailDeps(app: App, options: { kickOutbound: () => void }): MailAPIDeps {
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

export function smtpDeps(app: App, options: { resolver: DNSResolver; kickOutbound: () => void }): Parameters<typeof startSMTP>[0] {
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
      localSenders: {
        isLocalDomain: (domain) => app.accounts.servesDomain(domain),
        allowsUnauthenticated: (domain) => app.policies.get('smtp.allow_unauthenticated_local_senders', { domain }),
        isTrustedRelay: trustedRelayMatcher(app.config.smtp.trusted_relays),
      },
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
    limits: {
      perAddress: app.config.smtp.max_connections_per_ip,
      perNetwork: app.config.smtp.max_connections_per_network,
      // The relays we trust with our own domains' mail, and whoever the admin names (a local filter, a proxy).
      isExempt: trustedRelayMatcher([...app.config.smtp.trusted_relays, ...app.config.smtp.connection_limit_exempt]),
    },
    timeouts: {
      commandMs: app.config.smtp.command_timeout_seconds * 1000,
      commandUnderLoadMs: app.config.smtp.command_timeout_under_load_seconds * 1000,
      dataMs: app.config.smtp.data_timeout_seconds * 1000,
      minDataBytesPerSecond: app.config.smtp.min_data_rate_bytes_per_second,
      progressMs: app.config.smtp.progress_timeout_seconds * 1000,
    },
    allowPlaintextAuth: app.config.smtp.allow_plaintext_auth,
    reverseSRS: (address) => {
      const domain = address.split('@')[1] ?? '';
      const result = new SRS({ key: app.key, domain }).reverse(address, app.now());
      return result.ok ? result.address : null;
    },
  };
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

export function createOutboundWorker(app: App, resolver: DNSResolver): OutboundWorker {
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
