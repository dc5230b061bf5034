// The Fastify application behind the HTTP and HTTPS listeners: health, the JSON API under /api/v1 and its OpenAPI document, and the webmail.
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CODES } from '../../errors/index.js';
import type { Security } from '../../security/index.js';
import { handleError, sendError } from './http-errors.js';
import { mailRoutes } from './mail/routes.js';
import type { MailAPIDeps } from './mail/routes.js';
import { APIRoutes } from './route.js';
import { passkeyRoutes } from './security/passkey-routes.js';
import { recoveryRoutes } from './security/recovery-routes.js';
import { securityRoutes } from './security/routes.js';
import { sessionRoutes } from './session/routes.js';
import { settingsRoutes } from './settings/routes.js';
import type { SettingsAPIDeps } from './settings/routes.js';
import { registerWebmail } from './webmail-static.js';

export interface HTTPAppDeps {
  logger: Logger;
  /** Throws when the database cannot answer. */
  checkStorage(): Promise<void>;
  /** The security core; without it only /healthz is served. */
  security?: Security;
  /** Where users open the webmail (`web.public_url`): links in mail start with it, never with a request's Host. */
  publicURL?: string;
  /** The mail core for the webmail's /api/v1/mail; without it those routes are not served. */
  mail?: MailAPIDeps;
  /** The account's own settings (profile, auto-forwarding) for /api/v1/settings; without them those routes are not served. */
  settings?: SettingsAPIDeps;
}

export interface HTTPAppOptions {
  /** PEM credentials for the HTTPS listener; the caller keeps them current with setSecureContext. */
  https?: { cert: string; key: string };
}

/** One year, the value browsers' preload lists ask for; subdomains are left to their own servers. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** Request log lines carry the path only: query strings may hold one-time tokens (reset links). */
function requestSerializer(request: { method: string; url: string; ip: string }): Record<string, string> {
  return { method: request.method, path: request.url.split('?')[0] ?? '', remoteAddress: request.ip };
}

/** Builds the app; the caller listens and closes it. */
export function buildHTTPApp(deps: HTTPAppDeps, options: HTTPAppOptions = {}): FastifyInstance {
  const logger = deps.logger.child({}, { serializers: { req: requestSerializer } }) as unknown as FastifyBaseLogger;
  const common = { loggerInstance: logger, trustProxy: false, bodyLimit: 1024 * 1024, return503OnClosing: true };
  const app = (options.https ? Fastify({ ...common, https: options.https }) : Fastify(common)) as unknown as FastifyInstance;

  void app.register(fastifyCookie);
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  // Headers for every answer: no sniffing, no framing (clickjacking of the security pages), no
  // referrer leaks, no window of ours reachable from another site's (cross-origin opener). Over
  // HTTPS, HSTS: once seen, the browser never again tries this host over plain HTTP, where a
  // network attacker could strip TLS and read the session cookie.
  const hsts = options.https !== undefined;
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    if (hsts) void reply.header('strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}`);
    return payload;
  });
  if (deps.security) {
    const security = deps.security;
    const routes = new APIRoutes(security);
    sessionRoutes(routes, security);
    securityRoutes(routes, security);
    passkeyRoutes(routes, security);
    recoveryRoutes(routes, security, { publicURL: deps.publicURL ?? 'https://localhost:8443' });
    if (deps.mail) mailRoutes(routes, security, deps.mail);
    if (deps.settings) settingsRoutes(routes, security, deps.settings);
    void app.register(async (api) => {
      routes.mount(api);
      api.get('/api/docs', async () => routes.openAPI());
    });
    // The webmail at `/`: every other GET is one of its pages (index.html under a strict CSP).
    registerWebmail(app);
  }

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
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND', { message: ERROR_CODES.NOT_FOUND }));
  return app;
}
