// The HTTP app over a security fixture, listening on a real socket (127.0.0.1, port 0), for API tests.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Security } from '../../src/security/index.js';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import type { SettingsAPIDeps } from '../../src/web/api/settings/routes.js';
import type { SecurityFixture } from './security-fixture.js';

export interface APIServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/** Serves the fixture's security core (or another Security on the same store) with the whole API, and the settings routes when given. */
export async function startAPIServer(
  f: SecurityFixture,
  options: { security?: Security; publicURL?: string; settings?: SettingsAPIDeps; port?: number } = {},
): Promise<APIServer> {
  const app = buildHTTPApp({
    logger: pino({ level: 'silent' }),
    checkStorage: () => f.store.ping(),
    security: options.security ?? f.security,
    ...(options.publicURL !== undefined ? { publicURL: options.publicURL } : {}),
    ...(options.settings !== undefined ? { settings: options.settings } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

/** For a describe: the API serves the fixture's security core from before its first test to after its last; read `base` inside the tests. */
export function serveAPI(f: SecurityFixture): { readonly base: string } {
  let server: APIServer | undefined;
  beforeAll(async () => {
    server = await startAPIServer(f);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get base(): string {
      if (!server) throw new Error('the API server is not listening yet');
      return server.base;
    },
  };
}
