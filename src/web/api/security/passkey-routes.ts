// Passkeys in the API: adding, renaming and deleting them (Mailbox Security), and signing in with one (second factor or password-less).
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Security } from '../../../security/index.js';
import { PASSKEY_API, SESSION_API } from '../../contract/index.js';
import { DEVICE_COOKIE } from '../cookies.js';
import type { APIRoutes } from '../route.js';
import { presentSignedIn, startSession } from '../session/routes.js';

export function passkeyRoutes(routes: APIRoutes, security: Security): void {
  routes.add(PASSKEY_API.list, {
    auth: 'session',
    handler: async ({ session }) => ({ passkeys: await security.passkeys.list(session.account) }),
  });
  routes.add(PASSKEY_API.registrationOptions, {
    auth: 'session',
    handler: async ({ session, body, by }) => security.passkeys.registrationOptions({ account: session.account, password: body.password, by }),
  });
  routes.add(PASSKEY_API.add, {
    auth: 'session',
    handler: async ({ session, body, by }) =>
      security.passkeys.verifyRegistration({ account: session.account, flowId: body.flowId, name: body.name, response: body.response as unknown as RegistrationResponseJSON, by }),
  });
  routes.add(PASSKEY_API.rename, {
    auth: 'session',
    handler: async ({ session, params, body, by }) => security.passkeys.rename({ account: session.account, id: params.id, name: body.name, by }),
  });
  routes.add(PASSKEY_API.remove, {
    auth: 'session',
    handler: async ({ session, params, body, by }) => security.passkeys.delete({ account: session.account, id: params.id, password: body.password, by }),
  });

  routes.add(SESSION_API.passkeyOptions, {
    auth: 'none',
    handler: async ({ body }) => {
      if (body.pendingToken === undefined) return security.passkeys.authenticationOptions();
      const account = await security.webSessions.pendingAccount(body.pendingToken);
      return security.passkeys.authenticationOptions({ accountId: account.id });
    },
  });
  routes.add(SESSION_API.passkey, {
    auth: 'none',
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
