// The route pipeline of the JSON API (session → CSRF → zod validation → handler → presenter → the answer checked against the contract) and the OpenAPI document built from the same schemas.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type {} from '@fastify/cookie';
import { MailwardError } from '../../errors/index.js';
import type { Actor } from '../../kernel/index.js';
import type { Security, WebSession } from '../../security/index.js';
import type { Endpoint } from '../contract/index.js';
import { errorBody } from '../contract/index.js';
import { SESSION_COOKIE } from './cookies.js';

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

/** What the pipeline hands a handler for one of the endpoint's schemas (an empty object where it has none). */
type Parsed<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/**
 * What a handler returns: the JSON answer its endpoint's schema accepts (or the reply it already
 * sent, an error), nothing for a 204, or bytes for a file.
 */
export type Answer<E extends Endpoint> = E['response'] extends z.ZodType ? z.input<E['response']> | FastifyReply : E['response'] extends 'no-content' ? void : unknown;

/** How the server serves an endpoint of the contract. */
export interface RouteDefinition<E extends Endpoint> {
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
  /** Returns the response body: an allow-list of fields (a presenter), never a row. */
  handler(context: RouteContext<Parsed<E['body']>, Parsed<E['query']>, Parsed<E['params']>>): Promise<Answer<E>>;
}

interface Mounted {
  endpoint: Endpoint;
  definition: RouteDefinition<Endpoint>;
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

/**
 * An answer the contract does not describe is a bug of ours, never sent: a presenter that lets a
 * new field through (a hash, a row) fails here, and the client gets INTERNAL with a correlation id.
 */
function checkAnswer(endpoint: Endpoint, result: unknown): void {
  const { response } = endpoint;
  if (response === 'no-content') {
    if (result === undefined) return;
    throw new Error(`${endpoint.route} answered a body where its contract says no content`);
  }
  if (typeof response === 'string') return;
  const checked = response.safeParse(result);
  if (checked.success) return;
  const issue = checked.error.issues[0];
  throw new Error(`${endpoint.route} answered what its contract does not allow: ${issue?.path.join('.') || '(the answer)'}: ${issue?.message ?? 'invalid'}`);
}

/** The API's routes, mounted on an app and described as OpenAPI 3.1. */
export class APIRoutes {
  readonly #routes: Mounted[] = [];

  constructor(private readonly security: Pick<Security, 'webSessions' | 'twoFactor'>) {}

  add<E extends Endpoint>(endpoint: E, definition: RouteDefinition<E>): void {
    this.#routes.push({ endpoint, definition: definition as unknown as RouteDefinition<Endpoint> });
  }

  /** The endpoints served, for checking them against the contract. */
  endpoints(): Endpoint[] {
    return this.#routes.map((route) => route.endpoint);
  }

  mount(app: FastifyInstance): void {
    for (const { endpoint, definition: route } of this.#routes) {
      app.route({
        method: endpoint.method,
        url: endpoint.path,
        ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
        handler: async (request, reply) => {
          void reply.header('cache-control', 'no-store');
          let session: WebSession | undefined;
          if (route.auth === 'session') {
            session = await this.security.webSessions.resume(request.cookies[SESSION_COOKIE], { renew: route.renewsSession !== false });
            // CSRF: a change needs the session's token in a header, which another site's page cannot
            // read or set; SameSite=Lax cookies are the second line.
            if (endpoint.method !== 'GET' && !this.security.webSessions.checkCsrf(session, headerOf(request, 'x-csrf-token'))) {
              throw new MailwardError('FORBIDDEN', { message: 'The request is missing its CSRF token. Reload the page and try again.' });
            }
            if (!route.beforeEnrolment && (await this.security.twoFactor.requirement(session.account)).mustEnroll) {
              throw new MailwardError('OTP_REQUIRED', { message: 'Your administrator requires two-factor sign-in. Please turn it on to go on.' });
            }
          }
          const body = parse(endpoint.body, request.body, 'request body');
          const query = parse(endpoint.query, request.query, 'query');
          const params = parse(endpoint.params, request.params, 'path');
          const by: Actor = session
            ? { actor: `user:${session.account.address}`, ip: request.ip, sessionId: session.row.id_hash }
            : { actor: 'anonymous', ip: request.ip };
          const result: unknown = await route.handler({ request, reply, body, query, params, ip: request.ip, session: session as WebSession, by });
          if (reply.sent || result === reply) return reply;
          checkAnswer(endpoint, result);
          if (result === undefined) return reply.code(204).send();
          return result;
        },
      });
    }
  }

  /** OpenAPI 3.1 of every route, from the same zod schemas the pipeline validates with. */
  openAPI(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const { endpoint, definition: route } of this.#routes) {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [['path', endpoint.params], ['query', endpoint.query]] as const) {
        if (!schema) continue;
        const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, property] of Object.entries(json.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
        }
      }
      paths[path] ??= {};
      paths[path][endpoint.method.toLowerCase()] = {
        summary: endpoint.summary,
        tags: [endpoint.tag],
        ...(route.auth === 'session' ? { security: [{ session: [] }] } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(endpoint.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(endpoint.body, { io: 'input', unrepresentable: 'any' }) } } } }
          : {}),
        responses: { ...successOf(endpoint.response), default: { description: 'An error with a code from docs/errors.md', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Mailward API', version: 'v1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Plus the X-CSRF-Token header on every change' },
        },
        schemas: { Error: z.toJSONSchema(errorBody, { io: 'output' }) },
      },
      paths,
    };
  }
}

/** The OpenAPI responses of a success. */
function successOf(response: Endpoint['response']): Record<string, unknown> {
  switch (response) {
    case 'no-content':
      return { '204': { description: 'Done, nothing to return' } };
    case 'bytes':
      return { '200': { description: 'The file itself, with its own content type', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } };
    case 'event-stream':
      return { '200': { description: 'Server-sent events until the session ends', content: { 'text/event-stream': { schema: { type: 'string' } } } } };
    default:
      return { '200': { description: 'Success', content: { 'application/json': { schema: z.toJSONSchema(response, { io: 'output' }) } } } };
  }
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
