// The two IMAP doors: 143-style with STARTTLS and 993-style with implicit TLS, each connection an IMAPConnection.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { hostOf } from '../../security/index.js';
import { ConnectionLimiter } from '../limits/connection-limiter.js';
import type { TLSManager } from '../tls/index.js';
import { IMAPConnection } from './imap-connection.js';
import type { IMAPDeps } from './imap-context.js';

export type IMAPListenerName = 'imap' | 'imaps';

export interface IMAPListener {
  name: IMAPListenerName;
  host: string;
  port: number;
}

export interface RunningIMAP {
  listeners: IMAPListener[];
  /** Live connections (for tests and shutdown). */
  connections(): ReadonlySet<IMAPConnection>;
  close(): Promise<void>;
}

export async function startIMAP(deps: IMAPDeps, tlsManager: TLSManager, wanted: Array<{ name: IMAPListenerName; host: string; port: number }>): Promise<RunningIMAP> {
  const connections = new Set<IMAPConnection>();
  const limiter = new ConnectionLimiter({ caps: [{ scope: 'address', keyOf: hostOf, max: deps.maxConnectionsPerIp }], logger: deps.logger, door: 'imap' });
  const servers: Array<net.Server | tls.Server> = [];
  const listeners: IMAPListener[] = [];

  const accept = (socket: net.Socket, implicitTLS: boolean): void => {
    const admission = limiter.admit(socket.remoteAddress ?? '');
    if (!admission.admitted) {
      // Refused before any state is kept (RFC 9051 §7.1.5 allows BYE as the greeting).
      socket.end('* BYE [UNAVAILABLE] Too many connections from your address\r\n');
      socket.on('error', () => undefined);
      return;
    }
    socket.setNoDelay(true);
    const connection = new IMAPConnection(socket, {
      deps,
      tls: tlsManager,
      implicitTLS,
      onClose: () => {
        connections.delete(connection);
        admission.release();
      },
    });
    connections.add(connection);
    connection.start();
  };

  try {
    for (const want of wanted) {
      const server =
        want.name === 'imaps'
          ? tls.createServer({ ...tlsManager.credentials }, (socket) => accept(socket, true))
          : net.createServer((socket) => accept(socket, false));
      if (want.name === 'imaps') {
        tlsManager.attach(server as tls.Server);
        // A failed handshake never reaches accept(); it must not crash the process either.
        server.on('tlsClientError', (error) => deps.logger.debug({ err: error }, 'imaps handshake failed'));
      }
      server.on('error', (error) => deps.logger.error({ err: error, listener: want.name }, 'imap listener error'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(want.port, want.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const address = server.address() as AddressInfo;
      listeners.push({ name: want.name, host: address.address, port: address.port });
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    throw error;
  }

  return {
    listeners,
    connections: () => connections,
    close: async () => {
      limiter.close();
      const closed = Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      for (const connection of [...connections]) connection.bye('Server shutting down');
      await closed;
    },
  };
}
