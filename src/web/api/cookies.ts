// The webmail's two cookies: the session (ends with the browser) and the device (long-lived, names this browser in the device log).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

export const SESSION_COOKIE = 'mw_session';
export const DEVICE_COOKIE = 'mw_device';
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis). */
const DEVICE_COOKIE_SECONDS = 400 * 24 * 3600;

/** HttpOnly (scripts cannot read them), SameSite=Lax (not sent on cross-site posts), Secure over HTTPS. */
function base(request: FastifyRequest): { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/' } {
  return { httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', path: '/' };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, base(request));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, base(request));
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(DEVICE_COOKIE, token, { ...base(request), maxAge: DEVICE_COOKIE_SECONDS });
}
