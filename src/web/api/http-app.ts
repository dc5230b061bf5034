// The Fastify application behind the HTTP and HTTPS listeners: health now, the JSON API and webmail as they land.
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CODES } from '../../errors/index.js';

export interface HTTPAppDeps {
  logger: Logger;
  /** Throws when the database cannot answer. */
  checkStorage(): Promise<void>;
}

export interface HTTPAppOptions {
  /** PEM credentials for the HTTPS listener; the caller keeps them current with setSecureContext. */
  https?: { cert: string; key: string };
}

/** Request log lines carry the path only: query strings may hold one-time tokens (reset links). */
function requestSerializer(request: { method: string; url: string; ip: string }): Record<string, string> {
  return { method: request.method, path: request.url.split('?')[0] ?? '', remoteAddress: request.ip };
}

/** Builds the app; the caller listens and closes it. */
export function buildHTTPApp(deps: HTTPAppDeps, options: HTTPAppOptions = {}): FastifyInstance {
  const logger = deps.logger.child({}, { serializers: { req: requestSerializer } }) as unknown as FastifyBaseLogger;
  const common = { loggerInstance: logger, trustProxy: false, bodyLimit: 1024 * 1024, return503OnClosing: true };
  const app = (options.https ? Fastify({ ...common, https: options.https }) : Fastify(common)) as unknown as FastifyInstance;

  app.get('/healthz', async (_request, reply) => {
    try {
      await deps.checkStorage();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', code: 'STORAGE_UNAVAILABLE' });
    }
  });
  // Fastify's default 404 logs and echoes the whole URL, query string included, which is where
  // one-time tokens travel; answer without either.
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ status: 404, code: 'NOT_FOUND', message: ERROR_CODES.NOT_FOUND }));
  return app;
}
