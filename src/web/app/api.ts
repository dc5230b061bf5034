// The webmail's one door to the JSON API: endpoints of the contract called by their route key, same-origin JSON requests, the CSRF token on every change, errors as APIError, and the signal that the session is gone.
import type { ErrorBody as ServerErrorBody, Method, RequestOf, ResponseOf, Route, Routes } from '../contract/index.js';
import { currentLanguage, i18n } from './i18n/index.js';
import { en as COMMON } from './i18n/messages/common.js';

/** The `{ status, code, message }` body of every error answer (docs/errors.md), or one the webmail makes itself (NETWORK). */
export type ErrorBody = Omit<ServerErrorBody, 'code'> & { code: string };

export class APIError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'APIError';
    this.status = body.status;
    this.code = body.code;
    this.details = body.details ?? {};
  }
}

/** Why the API stopped answering for this browser: idle or too old, or no session at all (signed out, forced out). */
export type SessionLoss = 'SESSION_TIMED_OUT' | 'SIGN_IN_REQUIRED';

export interface SessionListeners {
  /** A signed-in request found the session gone. */
  lost(reason: SessionLoss): void;
  /** The administrator requires two-factor sign-in and this account has not turned it on yet. */
  enrolmentRequired(): void;
}

let csrfToken: string | undefined;
let listeners: SessionListeners | undefined;

export function setSessionListeners(next: SessionListeners | undefined): void {
  listeners = next;
}

/** Forgets the token when the session ends, so nothing is sent with a stale one. */
export function clearCSRFToken(): void {
  csrfToken = undefined;
}

export interface RequestOptions {
  /**
   * False for the sign-in steps and sign-out: there a missing session is the expected answer, not a
   * lost one, and must not send the user back to the sign-in page.
   */
  signedIn?: boolean;
}

/** What a call of `R` takes: its path parameters, query and body where it has them; the argument may go where none is required. */
export type CallArgs<R extends Route> = Partial<RequestOf<Routes[R]>> extends RequestOf<Routes[R]>
  ? [input?: RequestOf<Routes[R]>, options?: RequestOptions]
  : [input: RequestOf<Routes[R]>, options?: RequestOptions];

/** The answer of `R`: its JSON, or undefined for 204. */
export type Answer<R extends Route> = ResponseOf<Routes[R]>;

/**
 * Calls one endpoint by its route key ('PUT /api/v1/security/password'): the contract types what
 * goes in and what comes back. Only the key's text is used at run time, so no schema is bundled.
 */
export function call<R extends Route>(route: R, ...[input, options]: CallArgs<R>): Promise<Answer<R>> {
  const space = route.indexOf(' ');
  const { params, query, body } = (input ?? {}) as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
  return request<Answer<R>>(route.slice(0, space) as Method, urlOf(route.slice(space + 1), params, query), body, options);
}

/** A path of the contract (`/api/v1/security/passkeys/:id`) with its parameters and query filled in; undefined values are left out. */
export function urlOf(path: string, params: Record<string, unknown> = {}, query: Record<string, unknown> = {}): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? filled : `${filled}?${text}`;
}

/** Sends one request; resolves with the JSON answer (undefined for 204) or throws APIError. */
async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // The API refuses a change without the session's token (docs/security.md, "CSRF").
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new APIError({ status: 0, code: 'NETWORK', message: i18n.t('common.errors.NETWORK') });
  }
  if (response.status === 204) return undefined as T;
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new APIError({ status: response.status, code: 'INTERNAL', message: i18n.t('common.errors.unreadable', { status: response.status }) });
  }
  if (!response.ok) {
    const error = new APIError(isErrorBody(parsed) ? parsed : { status: response.status, code: 'INTERNAL', message: i18n.t('common.errors.http', { status: response.status }) });
    if (options.signedIn !== false) {
      if (error.code === 'SESSION_TIMED_OUT' || error.code === 'SIGN_IN_REQUIRED') listeners?.lost(error.code);
      else if (error.code === 'OTP_REQUIRED') listeners?.enrolmentRequired();
    }
    throw error;
  }
  // Sign-in, the session, a password change and turning two-factor on each hand out the token
  // that goes with the (possibly new) session id.
  const token = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return parsed as T;
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).code === 'string' && typeof (value as ErrorBody).message === 'string';
}

type Code = keyof typeof COMMON.errors;

function isKnownCode(code: string): code is Code {
  return Object.hasOwn(COMMON.errors, code);
}

/**
 * What an error says in the user's language. English keeps the server's own words, which often
 * name the field or the limit; the other languages say what the stable code means.
 */
export function errorText(error: APIError): string {
  if (currentLanguage() === 'en' || !isKnownCode(error.code)) return error.message;
  return i18n.t(`common.errors.${error.code}`);
}

/** A message for the page: service failures also name their code, which the administrator can look up. */
export function describeError(error: unknown): string {
  if (error instanceof APIError) {
    const text = errorText(error);
    return error.status >= 500 ? i18n.t('common.errors.withCode', { message: text, code: error.code }) : text;
  }
  // A passkey ceremony the browser stopped (webauthn.ts) already says why in the page's words.
  if (error instanceof Error && error.name === 'PasskeyError') return error.message;
  return i18n.t('common.errors.webmail');
}
