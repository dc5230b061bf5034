// The three SMTP doors: MX (no AUTH), submission (STARTTLS, then AUTH) and SMTPS (implicit TLS), on smtp-server.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { TLSManager } from '../tls/index.js';
import { onAuth } from './ops/auth.js';
import { onData } from './ops/data.js';
import { onMailFrom } from './ops/mail-from.js';
import { onRcptTo } from './ops/rcpt-to.js';
import type { SMTPDeps, SMTPListenerKind } from './smtp-context.js';
import { stateOf } from './smtp-context.js';
import { SMTPAdmission, exemptReserve } from './smtp-admission.js';
import { handOver, keepOwnEnhancedCodes, shutDown, whileRunning } from './smtp-server-adapter.js';
import { SMTPWatchdog } from './smtp-watchdog.js';

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

/** The share of max_clients from which a listener counts as under load (smtp.command_timeout_under_load_seconds). */
const LOAD_SHARE = 0.8;

function createServer(deps: SMTPDeps, tls: TLSManager, name: SMTPListenerName, watchdog: SMTPWatchdog): SMTPServer {
  const kind: SMTPListenerKind = name === 'smtp' ? 'mx' : 'submission';
  // Handlers need the server (to close a revoked session's connection), which exists only after them.
  const ref: { server?: SMTPServer } = {};
  const handleData = onData(deps, kind);
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
    // The caps (max_clients among them) are ours, taken as a connection is accepted (SMTPAdmission);
    // this is the backstop, with room for the exempt clients that the caps let past max_clients.
    maxClients: deps.maxClients + exemptReserve(deps.maxClients),
    // No reverse DNS per connection: it slows every client and proves nothing.
    disableReverseLookup: true,
    // The time limits are the watchdog's (smtp-watchdog.ts), which counts from our replies; this
    // idle limit of smtp-server's is the backstop behind it, and bounds a TLS handshake.
    socketTimeout: Math.max(deps.timeouts.commandMs, deps.timeouts.dataMs) + 60_000,
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
      watchdog.watch(session);
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
    onData: whileRunning((stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) => {
      watchdog.watchData(stream, session);
      handleData(stream, session, callback);
    }),
    onClose: (session: SMTPServerSession) => stateOf(session).unregister?.(),
  };
  const server = new SMTPServer(options);
  ref.server = server;
  server.on('error', (error) => deps.logger.warn({ err: error, listener: name }, 'smtp connection error'));
  return server;
}

/** One listener: our socket, whose accepted connections pass the caps before smtp-server sees them. */
interface Door {
  name: SMTPListenerName;
  listener: net.Server;
  server: SMTPServer;
  admission: SMTPAdmission;
  watchdog: SMTPWatchdog;
}

function openDoor(deps: SMTPDeps, tls: TLSManager, name: SMTPListenerName): Door {
  const admission = new SMTPAdmission({
    hostname: deps.hostname,
    listener: name,
    implicitTLS: name === 'smtps',
    tls,
    logger: deps.logger,
    maxClients: deps.maxClients,
    perAddress: deps.limits.perAddress,
    perNetwork: deps.limits.perNetwork,
    isExempt: deps.limits.isExempt,
  });
  const watchdog = new SMTPWatchdog({
    hostname: deps.hostname,
    listener: name,
    timeouts: deps.timeouts,
    logger: deps.logger,
    underLoad: () => admission.count('listener', '*') >= LOAD_SHARE * deps.maxClients,
  });
  const server = createServer(deps, tls, name, watchdog);
  watchdog.attach(server);
  const listener = net.createServer((socket) => admission.accept(socket, (admitted) => handOver(server, admitted)));
  listener.on('error', (error) => deps.logger.warn({ err: error, listener: name }, 'smtp listener error'));
  return { name, listener, server, admission, watchdog };
}

/**
 * Stops accepting, then resolves once every socket the listener accepted has closed: idle
 * connections are answered with 421 at once, busy ones may finish their message (RFC 5321 §3.8)
 * within smtp-server's closeTimeout.
 */
function closeDoor(door: Door): Promise<void> {
  return new Promise<void>((resolve) => {
    let stop = (): void => undefined;
    door.listener.close(() => {
      stop();
      resolve();
    });
    door.admission.close();
    door.watchdog.stop();
    stop = shutDown(door.server, { graceMs: door.server.options.closeTimeout ?? 30_000 });
  });
}

/** Starts the enabled SMTP listeners; certificates follow the TLS manager's reloads. */
export async function startSMTP(deps: SMTPDeps, tls: TLSManager, listeners: Array<{ name: SMTPListenerName; host: string; port: number }>): Promise<RunningSMTP> {
  const doors: Door[] = [];
  const bound: SMTPListener[] = [];
  const unsubscribe = tls.onReload((credentials) => {
    for (const door of doors) door.server.updateSecureContext({ key: credentials.key, cert: credentials.cert });
  });
  try {
    for (const want of listeners) {
      const door = openDoor(deps, tls, want.name);
      doors.push(door);
      await new Promise<void>((resolve, reject) => {
        door.listener.once('error', reject);
        door.listener.listen(want.port, want.host, () => {
          door.listener.off('error', reject);
          resolve();
        });
      });
      const address = door.listener.address() as AddressInfo;
      bound.push({ name: want.name, host: address.address, port: address.port });
    }
  } catch (error) {
    unsubscribe();
    await Promise.all(doors.map((door) => closeDoor(door)));
    throw error;
  }
  return {
    listeners: bound,
    close: async () => {
      unsubscribe();
      await Promise.all(doors.map((door) => closeDoor(door)));
    },
  };
}
