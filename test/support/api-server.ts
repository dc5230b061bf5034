// The HTTP app over a security fixture, listening on a real socket (127.0.0.1, port 0), for API tests.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Security } from '../../src/security/index.js';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import type { SecurityFixture } from './security-fixture.js';

export interface APIServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/** Serves the fixture's security core (or another Security on the same store) with the whole API. */
export async function startAPIServer(f: SecurityFixture, options: { security?: Security; publicURL?: string } = {}): Promise<APIServer> {
  const app = buildHTTPApp({
    logger: pino({ level: 'silent' }),
    checkStorage: () => f.store.ping(),
    security: options.security ?? f.security,
    ...(options.publicURL !== undefined ? { publicURL: options.publicURL } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}
