// Passkeys in the API: adding, renaming and deleting them (Mailbox Security), and signing in with one (second factor or password-less).
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { Security } from '../../../security/index.js';
import { DEVICE_COOKIE } from '../cookies.js';
import type { APIRoutes } from '../route.js';
import { credentialJSON, passwordField as password } from '../schemas.js';
import { presentSignedIn, startSession } from '../session/routes.js';

const passkeyParams = z.object({ id: z.coerce.number().int().positive() }).strict();
const flowId = z.string().min(1).max(100);

export function passkeyRoutes(routes: APIRoutes, security: Security): void {
  const tag = 'passkeys';

  routes.add({
    method: 'GET',
    url: '/api/v1/security/passkeys',
    summary: 'The account passkeys: name, created, last used, backed up (never key material)',
    tag,
    auth: 'session',
    handler: async ({ session }) => ({ passkeys: await security.passkeys.list(session.account) }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/passkeys/registration-options',
    summary: 'Start adding a passkey (needs the password): options for navigator.credentials.create and the flow id',
    tag,
    auth: 'session',
    body: z.object({ password }).strict(),
    handler: async ({ session, body, by }) => security.passkeys.registrationOptions({ account: session.account, password: body.password, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/passkeys',
    summary: "Finish adding a passkey with the browser's answer and a name",
    tag,
    auth: 'session',
    body: z.object({ flowId, name: z.string().min(1).max(200), response: credentialJSON }).strict(),
    handler: async ({ session, body, by }) =>
      security.passkeys.verifyRegistration({ account: session.account, flowId: body.flowId, name: body.name, response: body.response as unknown as RegistrationResponseJSON, by }),
  });
  routes.add({
    method: 'PATCH',
    url: '/api/v1/security/passkeys/:id',
    summary: 'Rename a passkey',
    tag,
    auth: 'session',
    params: passkeyParams,
    body: z.object({ name: z.string().min(1).max(200) }).strict(),
    handler: async ({ session, params, body, by }) => security.passkeys.rename({ account: session.account, id: params.id, name: body.name, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/passkeys/:id/delete',
    summary: 'Delete a passkey (needs the password)',
    tag,
    auth: 'session',
    params: passkeyParams,
    body: z.object({ password }).strict(),
    handler: async ({ session, params, body, by }) => security.passkeys.delete({ account: session.account, id: params.id, password: body.password, by }),
  });

  routes.add({
    method: 'POST',
    url: '/api/v1/session/passkey-options',
    summary: 'Options for navigator.credentials.get: for the second step of a pending sign-in, or (without one) a password-less sign-in',
    tag: 'session',
    auth: 'none',
    body: z.object({ pendingToken: z.string().min(1).max(100).optional() }).strict(),
    handler: async ({ body }) => {
      if (body.pendingToken === undefined) return security.passkeys.authenticationOptions();
      const account = await security.webSessions.pendingAccount(body.pendingToken);
      return security.passkeys.authenticationOptions({ accountId: account.id });
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/session/passkey',
    summary: "Sign in with the browser's passkey answer: completes a pending sign-in, or signs in password-less",
    tag: 'session',
    auth: 'none',
    body: z.object({ flowId, response: credentialJSON, pendingToken: z.string().min(1).max(100).optional(), trustDevice: z.boolean().default(false) }).strict(),
    handler: async (context) => {
      const { request, body } = context;
      const response = body.response as unknown as AuthenticationResponseJSON;
      if (body.pendingToken !== undefined) {
        const account = await security.webSessions.pendingAccount(body.pendingToken);
        const verified = await security.passkeys.verifyAuthentication({ flowId: body.flowId, response, ip: request.ip, expectedAccountId: account.id });
        const signedIn = await security.webSessions.passkeyVerified({ pendingToken: body.pendingToken, accountId: verified.accountId, trustDevice: body.trustDevice, ip: request.ip });
        startSession(context, signedIn);
        return presentSignedIn(security, signedIn);
      }
      const verified = await security.passkeys.verifyAuthentication({ flowId: body.flowId, response, ip: request.ip });
      const deviceToken = request.cookies[DEVICE_COOKIE];
      const signedIn = await security.webSessions.passkeySignIn({
        accountId: verified.accountId,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        ...(deviceToken !== undefined ? { deviceToken } : {}),
      });
      startSession(context, signedIn);
      return presentSignedIn(security, signedIn);
    },
  });
}
