// The route pipeline of the JSON API (session → CSRF → zod validation → handler → presenter) and the OpenAPI document built from the same definitions.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {} from '@fastify/cookie';
import { MailwardError } from '../../errors/index.js';
import type { Actor } from '../../kernel/index.js';
import type { Security, WebSession } from '../../security/index.js';
import { SESSION_COOKIE } from './cookies.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<B, Q, P> {
  request: FastifyRequest;
  reply: FastifyReply;
  body: B;
  query: Q;
  params: P;
  ip: string;
  /** The signed-in session (routes with auth 'session'). */
  session: WebSession;
  /** Who makes a change, for the audit log and for sparing this session in a revocation. */
  by: Actor;
}

export interface RouteDefinition<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  /** 'session': a live web session is required, and a CSRF token for every change. */
  auth: 'none' | 'session';
  /**
   * Open to a session whose account must turn on two-factor sign-in first (auth.require_2fa past
   * its grace): the session itself and the enrolment. Every other route answers OTP_REQUIRED.
   */
  beforeEnrolment?: true;
  /** False for background requests the browser makes by itself: they do not keep the session from timing out. */
  renewsSession?: false;
  /** Bytes a request body may have when more than the app's default (a message with attachments). */
  bodyLimit?: number;
  body?: B;
  query?: Q;
  params?: P;
  /** Returns the response body: an allow-list of fields (a presenter), never a row. */
  handler(context: RouteContext<z.infer<B>, z.infer<Q>, z.infer<P>>): Promise<unknown>;
}

const EMPTY = z.object({}).strict();

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  const result = (schema ?? EMPTY).safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new MailwardError('INVALID_INPUT', {
      message: `The ${where} is not valid${field ? `: ${field}` : ''}: ${issue?.message ?? 'invalid'}`,
      details: { field, where },
    });
  }
  return result.data as z.infer<T>;
}

/** The API's routes, mounted on an app and described as OpenAPI 3.1. */
export class APIRoutes {
  readonly #routes: Array<RouteDefinition<z.ZodType, z.ZodType, z.ZodType>> = [];

  constructor(private readonly security: Pick<Security, 'webSessions' | 'twoFactor'>) {}

  add<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(definition: RouteDefinition<B, Q, P>): void {
    this.#routes.push(definition as unknown as RouteDefinition<z.ZodType, z.ZodType, z.ZodType>);
  }

  mount(app: FastifyInstance): void {
    for (const route of this.#routes) {
      app.route({
        method: route.method,
        url: route.url,
        ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
        handler: async (request, reply) => {
          void reply.header('cache-control', 'no-store');
          let session: WebSession | undefined;
          if (route.auth === 'session') {
            session = await this.security.webSessions.resume(request.cookies[SESSION_COOKIE], { renew: route.renewsSession !== false });
            // CSRF: a change needs the session's token in a header, which another site's page cannot
            // read or set; SameSite=Lax cookies are the second line.
            if (route.method !== 'GET' && !this.security.webSessions.checkCsrf(session, headerOf(request, 'x-csrf-token'))) {
              throw new MailwardError('FORBIDDEN', { message: 'The request is missing its CSRF token. Reload the page and try again.' });
            }
            if (!route.beforeEnrolment && (await this.security.twoFactor.requirement(session.account)).mustEnroll) {
              throw new MailwardError('OTP_REQUIRED', { message: 'Your administrator requires two-factor sign-in. Please turn it on to go on.' });
            }
          }
          const body = parse(route.body, request.body, 'request body');
          const query = parse(route.query, request.query, 'query');
          const params = parse(route.params, request.params, 'path');
          const by: Actor = session
            ? { actor: `user:${session.account.address}`, ip: request.ip, sessionId: session.row.id_hash }
            : { actor: 'anonymous', ip: request.ip };
          const result = await route.handler({ request, reply, body, query, params, ip: request.ip, session: session as WebSession, by });
          if (reply.sent) return reply;
          if (result === undefined) return reply.code(204).send();
          return result;
        },
      });
    }
  }

  /** OpenAPI 3.1 of every route, from the same zod schemas the pipeline validates with. */
  openAPI(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.#routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
        if (!schema) continue;
        const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, property] of Object.entries(json.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
        }
      }
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = {
        summary: route.summary,
        tags: [route.tag],
        ...(route.auth === 'session' ? { security: [{ session: [] }] } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }) } } } }
          : {}),
        responses: {
          '200': { description: 'Success' },
          '204': { description: 'Done, nothing to return' },
          default: { description: 'An error: { status, code, message } with a code from docs/errors.md' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Mailward API', version: 'v1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Plus the X-CSRF-Token header on every change' },
        },
      },
      paths,
    };
  }
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
