// /api/v1/session: sign in (password, then the second factor unless the device is trusted), who am I, sign out.
import { MailwardError } from '../../../errors/index.js';
import type { Security, SignedIn } from '../../../security/index.js';
import type { SignedInAnswer } from '../../contract/index.js';
import { SESSION_API } from '../../contract/index.js';
import { DEVICE_COOKIE, clearSessionCookie, setDeviceCookie, setSessionCookie } from '../cookies.js';
import { sendError } from '../http-errors.js';
import type { APIRoutes, RouteContext } from '../route.js';

/** What a signed-in browser learns: never a row. */
export async function presentSignedIn(security: Security, signedIn: SignedIn): Promise<SignedInAnswer> {
  const requirement = await security.twoFactor.requirement(signedIn.account);
  return {
    status: 'signed_in',
    address: signedIn.account.address,
    displayName: signedIn.account.displayName,
    // The webmail's language chosen in Profile ('' follows the browser), on every device signed in.
    language: signedIn.account.language,
    csrfToken: signedIn.csrfToken,
    mustChangePassword: signedIn.mustChangePassword,
    // auth.require_2fa past its grace: the web goes straight to enrolment.
    mustEnrollTwoFactor: requirement.mustEnroll,
    ...(signedIn.secondFactor ? { secondFactor: signedIn.secondFactor } : {}),
    ...(signedIn.backupCodesRemaining !== undefined ? { backupCodesRemaining: signedIn.backupCodesRemaining } : {}),
    ...(signedIn.remindBackupCodes !== undefined ? { remindBackupCodes: signedIn.remindBackupCodes } : {}),
  };
}

export function startSession(context: Pick<RouteContext<unknown, unknown, unknown>, 'request' | 'reply'>, signedIn: { sessionToken: string; newDeviceToken?: string }): void {
  setSessionCookie(context.request, context.reply, signedIn.sessionToken);
  if (signedIn.newDeviceToken !== undefined) setDeviceCookie(context.request, context.reply, signedIn.newDeviceToken);
}

export function sessionRoutes(routes: APIRoutes, security: Security): void {
  routes.add(SESSION_API.signIn, {
    auth: 'none',
    handler: async (context) => {
      const { request, reply, body } = context;
      const outcome = await security.webSessions.signIn({
        username: body.address,
        password: body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        tls: request.protocol === 'https',
        ...(request.cookies[DEVICE_COOKIE] !== undefined ? { deviceToken: request.cookies[DEVICE_COOKIE] } : {}),
      });
      if (outcome.kind === 'failed') {
        const details: Record<string, unknown> = {};
        if (outcome.retryAfterSeconds !== undefined) details['retryAfterSeconds'] = outcome.retryAfterSeconds;
        if (outcome.hint !== undefined) details['hint'] = outcome.hint;
        const message = outcome.code === 'ACCOUNT_DISABLED' ? 'Your account is disabled. Please contact your administrator to restore it.' : outcome.message;
        return sendError(reply, outcome.code, { message, ...(Object.keys(details).length > 0 ? { details } : {}) });
      }
      if (outcome.kind === 'second_factor') {
        if (outcome.newDeviceToken !== undefined) setDeviceCookie(request, reply, outcome.newDeviceToken);
        return { status: 'second_factor' as const, pendingToken: outcome.pendingToken, methods: outcome.methods };
      }
      startSession(context, outcome);
      return presentSignedIn(security, outcome);
    },
  });

  routes.add(SESSION_API.secondFactor, {
    auth: 'none',
    handler: async (context) => {
      const { request, body } = context;
      const signedIn = await security.webSessions.secondFactor({ pendingToken: body.pendingToken, code: body.code, trustDevice: body.trustDevice, ip: request.ip });
      startSession(context, signedIn);
      return presentSignedIn(security, signedIn);
    },
  });

  routes.add(SESSION_API.current, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ session }) => ({
      address: session.account.address,
      displayName: session.account.displayName,
      language: session.account.language,
      csrfToken: session.csrfToken,
      deviceId: session.device.id,
      mustChangePassword: session.account.mustChangePassword,
      mustEnrollTwoFactor: (await security.twoFactor.requirement(session.account)).mustEnroll,
    }),
  });

  routes.add(SESSION_API.signOut, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ request, reply, session }) => {
      await security.webSessions.signOut(session.token);
      clearSessionCookie(request, reply);
      return undefined;
    },
  });
}

/** For routes that change credentials: a new session id, signed in as of now (the change ended the others). */
export async function rotateSession(security: Security, context: Pick<RouteContext<unknown, unknown, unknown>, 'request' | 'reply' | 'session'>, options: { reauthenticatedAt?: number } = {}): Promise<string> {
  if (!context.session) throw new MailwardError('SIGN_IN_REQUIRED');
  const rotated = await security.webSessions.rotate(context.session, { ip: context.request.ip, ...options });
  setSessionCookie(context.request, context.reply, rotated.sessionToken);
  return rotated.csrfToken;
}
