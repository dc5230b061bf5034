// The two POP3 doors: port 110-style with STLS (pop3) and implicit TLS (pop3s), each connection a POP3Connection.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { errLine } from '../../proto/pop3/pop3-response.js';
import { hostOf } from '../../security/index.js';
import { ConnectionLimiter } from '../limits/connection-limiter.js';
import type { TLSManager } from '../tls/index.js';
import { POP3Connection } from './pop3-connection.js';
import type { POP3Deps, POP3ListenerName } from './pop3-context.js';

export type { POP3Deps, POP3ListenerName } from './pop3-context.js';

export interface POP3Listener {
  name: POP3ListenerName;
  host: string;
  port: number;
}

export interface RunningPOP3 {
  listeners: POP3Listener[];
  /** Live connections (for tests and metrics). */
  readonly connections: number;
  /** Stops accepting, ends every session with -ERR (nothing is deleted) and waits for their maildrop locks to be released. */
  close(): Promise<void>;
}

/** Starts the enabled POP3 listeners; new connections use the TLS manager's current certificate. */
export async function startPOP3(deps: POP3Deps, tlsManager: TLSManager, listeners: POP3Listener[]): Promise<RunningPOP3> {
  const servers: net.Server[] = [];
  const bound: POP3Listener[] = [];
  const open = new Set<POP3Connection>();
  // Counted per IPv4 address or IPv6 /64 (one host's usual share).
  const limiter = new ConnectionLimiter({ caps: [{ scope: 'address', keyOf: hostOf, max: deps.maxConnectionsPerIp }], logger: deps.logger, door: 'pop3' });
  const detach: Array<() => void> = [];

  const accept = (socket: net.Socket, implicitTLS: boolean): void => {
    const admission = limiter.admit(socket.remoteAddress ?? '');
    if (!admission.admitted) {
      // Refused before any state exists: one host cannot make us hold more than this.
      socket.on('error', () => undefined);
      socket.end(errLine('Too many connections from your address', { code: 'SYS/TEMP' }));
      return;
    }
    const connection = new POP3Connection(socket, {
      deps,
      tls: tlsManager,
      implicitTLS,
      onClose: () => {
        open.delete(connection);
        admission.release();
      },
    });
    open.add(connection);
    connection.start();
  };

  try {
    for (const listener of listeners) {
      const implicitTLS = listener.name === 'pop3s';
      let server: net.Server;
      if (implicitTLS) {
        const secure = tls.createServer({ ...tlsManager.credentials, handshakeTimeout: 30_000 }, (socket) => accept(socket, true));
        // A failed handshake is the client's problem, not a server error worth more than debug.
        secure.on('tlsClientError', (error) => deps.logger.debug({ err: error }, 'pop3s handshake failed'));
        detach.push(tlsManager.attach(secure));
        server = secure;
      } else {
        server = net.createServer((socket) => accept(socket, false));
      }
      server.on('error', (error) => deps.logger.warn({ err: error, listener: listener.name }, 'pop3 listener error'));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(listener.port, listener.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      bound.push({ name: listener.name, host: address.address, port: address.port });
    }
  } catch (error) {
    for (const undo of detach) undo();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    throw error;
  }

  return {
    listeners: bound,
    get connections() {
      return open.size;
    },
    close: async () => {
      limiter.close();
      for (const undo of detach) undo();
      const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      const sessions = [...open];
      for (const connection of sessions) connection.end(errLine('Server shutting down; nothing was deleted', { code: 'SYS/TEMP' }));
      await Promise.all(sessions.map((c) => c.finished));
      await closed;
    },
  };
}
