// The three SMTP doors: MX (no AUTH), submission (STARTTLS, then AUTH) and SMTPS (implicit TLS), on smtp-server.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { TLSManager } from '../tls/index.js';
import { onAuth } from './ops/auth.js';
import { onData } from './ops/data.js';
import { onMailFrom } from './ops/mail-from.js';
import { onRcptTo } from './ops/rcpt-to.js';
import type { SMTPDeps, SMTPListenerKind } from './smtp-context.js';
import { stateOf } from './smtp-context.js';
import { endIdleConnections, keepOwnEnhancedCodes, whileRunning } from './smtp-server-adapter.js';

export type SMTPListenerName = 'smtp' | 'submission' | 'smtps';

export interface SMTPListener {
  name: SMTPListenerName;
  host: string;
  port: number;
}

export interface RunningSMTP {
  listeners: SMTPListener[];
  close(): Promise<void>;
}

function createServer(deps: SMTPDeps, tls: TLSManager, name: SMTPListenerName): SMTPServer {
  const kind: SMTPListenerKind = name === 'smtp' ? 'mx' : 'submission';
  // Handlers need the server (to close a revoked session's connection), which exists only after them.
  const ref: { server?: SMTPServer } = {};
  const options: SMTPServerOptions = {
    name: deps.hostname,
    // smtp-server writes "220 <hostname> ESMTP <banner>": the banner is only the product name.
    banner: 'Mailward',
    secure: name === 'smtps',
    key: tls.credentials.key,
    cert: tls.credentials.cert,
    size: deps.maxMessageBytes,
    rejectOversized: true,
    maxRecipients: deps.maxRecipients,
    maxClients: deps.maxClients,
    // No reverse DNS per connection: it slows every client and proves nothing.
    disableReverseLookup: true,
    // RFC 5321 §4.5.3.2 suggests 5 minutes per command; an idle client holds a socket no longer.
    socketTimeout: 5 * 60_000,
    closeTimeout: 30_000,
    logger: false,
    // smtp-server hides these two by default; clients rely on both (RFC 2034, RFC 3461).
    hideENHANCEDSTATUSCODES: false,
    hideDSN: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // The MX takes mail for local users only and offers no AUTH at all.
    authOptional: kind === 'mx',
    disabledCommands: kind === 'mx' ? ['AUTH'] : [],
    // AUTH only after STARTTLS unless the admin allows plain text (then it is still never offered on the MX).
    allowInsecureAuth: deps.allowPlaintextAuth,
    // Before STARTTLS the submission port neither offers nor accepts AUTH (RFC 4954 §4: no
    // plain-text passwords on an unencrypted channel), unless the admin allows plain text.
    onConnect: (session: SMTPServerSession, callback: (error?: Error | null) => void) => {
      keepOwnEnhancedCodes(ref.server!, session);
      if (kind === 'submission' && !session.secure && !deps.allowPlaintextAuth) session.disabledCommands = ['AUTH'];
      callback();
    },
    onSecure: (_socket: unknown, session: SMTPServerSession, callback: (error?: Error | null) => void) => {
      session.disabledCommands = kind === 'mx' ? ['AUTH'] : undefined;
      callback();
    },
    // Wrapped so that a shutdown can tell a connection waiting for one of them from an idle one.
    onAuth: whileRunning(onAuth(deps, () => ref.server!)),
    onMailFrom: whileRunning(onMailFrom(deps, kind)),
    onRcptTo: whileRunning(onRcptTo(deps, kind)),
    onData: whileRunning(onData(deps, kind)),
    onClose: (session: SMTPServerSession) => stateOf(session).unregister?.(),
  };
  const server = new SMTPServer(options);
  ref.server = server;
  server.on('error', (error) => deps.logger.warn({ err: error, listener: name }, 'smtp connection error'));
  return server;
}

/**
 * smtp-server's close() waits up to closeTimeout for every open connection, idle or not, so one
 * idle client (a pooled sender between messages) would hold every restart for the whole shutdown
 * grace period and end it with an exit code 1. Idle connections get 421 at once (RFC 5321 §3.8);
 * one in the middle of a message, or waiting for our reply to it, may finish it first.
 */
function closeWhenIdle(server: SMTPServer): () => void {
  const sweep = (): void => endIdleConnections(server, '4.3.2 Server shutting down');
  sweep();
  const timer = setInterval(sweep, 200);
  timer.unref();
  return () => clearInterval(timer);
}

/** Starts the enabled SMTP listeners; certificates follow the TLS manager's reloads. */
export async function startSMTP(deps: SMTPDeps, tls: TLSManager, listeners: Array<{ name: SMTPListenerName; host: string; port: number }>): Promise<RunningSMTP> {
  const servers: SMTPServer[] = [];
  const bound: SMTPListener[] = [];
  const unsubscribe = tls.onReload((credentials) => {
    for (const server of servers) server.updateSecureContext({ key: credentials.key, cert: credentials.cert });
  });
  try {
    for (const listener of listeners) {
      const server = createServer(deps, tls, listener.name);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.server.once('error', onError);
        server.listen(listener.port, listener.host, () => {
          server.server.off('error', onError);
          resolve();
        });
      });
      const address = server.server.address() as AddressInfo;
      bound.push({ name: listener.name, host: address.address, port: address.port });
    }
  } catch (error) {
    unsubscribe();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    throw error;
  }
  return {
    listeners: bound,
    close: async () => {
      unsubscribe();
      // smtp-server's close waits for open connections up to closeTimeout, then ends them;
      // closeWhenIdle ends the idle ones sooner.
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              let stop = (): void => undefined;
              s.close(() => {
                stop();
                resolve();
              });
              stop = closeWhenIdle(s);
            }),
        ),
      );
    },
  };
}
