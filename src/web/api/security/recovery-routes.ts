// Alternate email, forgot password, and the in-app security notifications with their switches.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { MailwardError } from '../../../errors/index.js';
import type { ResetSecondFactor, Security } from '../../../security/index.js';
import { NOTIFICATION_API, RECOVERY_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';

export function recoveryRoutes(routes: APIRoutes, security: Security, options: { publicURL: string }): void {
  const { publicURL } = options;

  // --- Alternate email ---
  routes.add(RECOVERY_API.alternateEmail, {
    auth: 'session',
    handler: ({ session }) => security.alternateEmail.status(session.account),
  });
  routes.add(RECOVERY_API.addAlternateEmail, {
    auth: 'session',
    handler: ({ session, body, by }) => security.alternateEmail.add({ account: session.account, address: body.address, password: body.password, baseUrl: publicURL, by }),
  });
  routes.add(RECOVERY_API.verifyAlternateEmail, {
    auth: 'session',
    handler: ({ session, body, by }) => security.alternateEmail.verifyCode({ account: session.account, code: body.code, by }),
  });
  routes.add(RECOVERY_API.verifyAlternateEmailLink, {
    auth: 'none',
    handler: ({ body, ip }) => security.alternateEmail.verifyLink({ token: body.token, ip }),
  });
  routes.add(RECOVERY_API.removeAlternateEmail, {
    auth: 'session',
    handler: ({ session, body, by }) => security.alternateEmail.remove({ account: session.account, password: body.password, by }),
  });

  // --- Forgot password ---
  routes.add(RECOVERY_API.requestReset, {
    auth: 'none',
    handler: ({ body, ip }) => security.passwordReset.request({ address: body.address, ip, baseUrl: publicURL }),
  });
  routes.add(RECOVERY_API.checkReset, {
    auth: 'none',
    handler: ({ body }) => security.passwordReset.check(body.token),
  });
  routes.add(RECOVERY_API.resetPasskeyOptions, {
    auth: 'none',
    handler: async ({ body }) => {
      const checked = await security.passwordReset.check(body.token);
      const account = checked.valid ? await security.accountByAddress(checked.address) : undefined;
      if (!account) throw new MailwardError('NOT_FOUND', { message: 'This link is not valid any more. Ask for a new one.' });
      return security.passkeys.authenticationOptions({ accountId: account.id });
    },
  });
  routes.add(RECOVERY_API.completeReset, {
    auth: 'none',
    handler: async ({ body, ip }) => {
      if (body.password !== body.confirm) throw new MailwardError('PASSWORD_MISMATCH');
      let secondFactor: ResetSecondFactor | undefined;
      if (body.code !== undefined) secondFactor = { kind: 'code', code: body.code };
      else if (body.passkey !== undefined) {
        const checked = await security.passwordReset.check(body.token);
        const account = checked.valid ? await security.accountByAddress(checked.address) : undefined;
        if (!account) throw new MailwardError('NOT_FOUND', { message: 'This link is not valid any more. Ask for a new one.' });
        await security.passkeys.verifyAuthentication({ flowId: body.passkey.flowId, response: body.passkey.response as unknown as AuthenticationResponseJSON, ip, expectedAccountId: account.id });
        secondFactor = { kind: 'passkey_verified' };
      }
      return security.passwordReset.complete({ token: body.token, newPassword: body.password, ip, ...(secondFactor ? { secondFactor } : {}) });
    },
  });

  // --- Notifications and alert switches ---
  routes.add(NOTIFICATION_API.list, {
    auth: 'session',
    handler: async ({ session, query }) => ({
      ...(await security.alerts.notifications({
        accountId: session.account.id,
        limit: query.limit,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.unread === 'true' ? { unreadOnly: true } : {}),
      })),
      unread: await security.alerts.unreadCount(session.account.id),
    }),
  });
  routes.add(NOTIFICATION_API.markRead, {
    auth: 'session',
    handler: async ({ session, body }) => ({ marked: await security.alerts.markRead({ accountId: session.account.id, ...(body.ids ? { ids: body.ids } : {}) }) }),
  });
  routes.add(NOTIFICATION_API.alerts, {
    auth: 'session',
    handler: async ({ session }) => ({ alerts: await security.alerts.preferences(session.account.id) }),
  });
  routes.add(NOTIFICATION_API.setAlert, {
    auth: 'session',
    handler: async ({ session, params, body, by }) => ({ alerts: await security.alerts.setPreference({ account: session.account, kind: params.kind, enabled: body.enabled, by }) }),
  });
}
