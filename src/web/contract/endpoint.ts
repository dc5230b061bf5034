// How one /api/v1 endpoint is described: its method and path, what it takes (path, query, body) and what it answers, as zod schemas the server validates with and the browser takes its types from.
import type { z } from 'zod';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * An answer that is not a JSON document: nothing at all (204), the bytes of a file (an
 * attachment, a proxied image), or a stream of server-sent events.
 */
export type RawAnswer = 'no-content' | 'bytes' | 'event-stream';

type Schema = z.ZodType | undefined;

/** `GET /api/v1/session`: the method, one space, the path with `:name` for each path parameter. */
export type RouteKey = `${Method} /api/${string}`;

export interface Endpoint<R extends RouteKey = RouteKey, P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, A extends z.ZodType | RawAnswer = z.ZodType | RawAnswer> {
  route: R;
  method: Method;
  path: string;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The OpenAPI tag the endpoint is listed under. */
  tag: string;
  params: P;
  query: Q;
  body: B;
  /** The answer's schema (a strict one: a field it does not name is an error), or a RawAnswer. */
  response: A;
}

export interface EndpointSpec<P extends Schema, Q extends Schema, B extends Schema, A extends z.ZodType | RawAnswer> {
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  response: A;
}

export function endpoint<const R extends RouteKey, A extends z.ZodType | RawAnswer, P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  route: R,
  spec: EndpointSpec<P, Q, B, A>,
): Endpoint<R, P, Q, B, A> {
  const space = route.indexOf(' ');
  return {
    route,
    method: route.slice(0, space) as Method,
    path: route.slice(space + 1),
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params as P,
    query: spec.query as Q,
    body: spec.body as B,
    response: spec.response,
  };
}

type Input<S> = S extends z.ZodType ? z.input<S> : undefined;

/** The path parameters, query and body a client sends, each only where the endpoint has one (optional when every field is). */
export type RequestOf<E extends Endpoint> = Part<'params', E['params']> & Part<'query', E['query']> & Part<'body', E['body']>;

type Part<K extends string, S> = S extends z.ZodType ? (Partial<z.input<S>> extends z.input<S> ? { [P in K]?: Input<S> } : { [P in K]: Input<S> }) : unknown;

/** What a client receives: the parsed JSON answer, or nothing for 204. */
export type ResponseOf<E extends Endpoint> = E['response'] extends z.ZodType ? z.output<E['response']> : E['response'] extends 'no-content' ? undefined : never;
