// /api/v1/security: the Mailbox Security centre's API (device log, login records, password, security code, services, two-factor, backup codes, app passwords).
import { STRENGTH_RULES } from '../../../accounts/index.js';
import { accountDomain } from '../../../lib/index.js';
import type { Security } from '../../../security/index.js';
import { SECURITY_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import { rotateSession } from '../session/routes.js';

export function securityRoutes(routes: APIRoutes, security: Security): void {
  // --- Device log ---
  routes.add(SECURITY_API.devices, {
    auth: 'session',
    handler: ({ session }) => security.devices.log(session.account, { currentDeviceId: session.device.id }),
  });
  routes.add(SECURITY_API.forceLogout, {
    auth: 'session',
    handler: async ({ session, params, by }) => security.devices.forceLogout({ account: session.account, deviceId: params.id, by }),
  });
  routes.add(SECURITY_API.removeTrust, {
    auth: 'session',
    handler: async ({ session, params, by }) => security.devices.removeTrust({ account: session.account, deviceId: params.id, by }),
  });

  // --- Login records ---
  routes.add(SECURITY_API.loginRecords, {
    auth: 'session',
    handler: async ({ session, query }) => {
      await security.flush();
      return security.loginRecords.page({
        accountId: session.account.id,
        limit: query.limit,
        ...(query.result !== 'all' ? { result: query.result } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
    },
  });

  // --- Password, hint, security code, services ---
  routes.add(SECURITY_API.changePassword, {
    auth: 'session',
    handler: async (context) => {
      const { session, body, by } = context;
      const updated = await security.accountSecurity.changePassword({
        account: session.account,
        current: body.current,
        next: body.next,
        confirm: body.confirm,
        ...(body.securityCode !== undefined ? { securityCode: body.securityCode } : {}),
        by,
      });
      // Every other session ended with the old password; this one goes on under a new id.
      const csrfToken = await rotateSession(security, context, { reauthenticatedAt: updated.passwordSessionsValidAfter });
      return { csrfToken };
    },
  });
  routes.add(SECURITY_API.passwordSettings, {
    auth: 'session',
    handler: async ({ session }) => {
      const { account } = session;
      const scope = { domain: accountDomain(account) };
      const level = await security.policies.get('password.strength', scope);
      const hintsEnabled = await security.policies.get('password.hints_enabled', scope);
      return {
        strength: { level, ...STRENGTH_RULES[level] },
        securityCodeEnabled: await security.policies.get('security_code.enabled', scope),
        hasSecurityCode: account.hasSecurityCode,
        securityCodeRequired: await security.accountSecurity.securityCodeRequired(account),
        hintsEnabled,
        hint: hintsEnabled ? (account.passwordHint ?? '') : '',
        passwordChangedAt: account.passwordChangedAt,
      };
    },
  });
  routes.add(SECURITY_API.passwordHint, {
    auth: 'session',
    handler: async ({ session, body, by }) => security.accountSecurity.setPasswordHint({ account: session.account, hint: body.hint, by }),
  });
  routes.add(SECURITY_API.securityCode, {
    auth: 'session',
    handler: async ({ session, body, by }) => security.accountSecurity.setSecurityCode({ account: session.account, password: body.password, code: body.code, by }),
  });
  routes.add(SECURITY_API.services, {
    auth: 'session',
    handler: async ({ session }) => {
      const account = session.account;
      return { smtp: account.smtpEnabled, pop3: account.pop3Enabled, imap: account.imapEnabled };
    },
  });
  routes.add(SECURITY_API.setServices, {
    auth: 'session',
    handler: async ({ session, body, by }) => {
      const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<Record<'smtp' | 'pop3' | 'imap', boolean>>;
      return security.accountSecurity.setServices({ account: session.account, changes, by });
    },
  });

  // --- Two-factor sign-in and backup codes ---
  routes.add(SECURITY_API.twoFactor, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ session }) => security.twoFactor.status(session.account),
  });
  routes.add(SECURITY_API.beginTOTP, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ session, body, by }) => security.twoFactor.beginEnrolment({ account: session.account, password: body.password, by }),
  });
  routes.add(SECURITY_API.confirmTOTP, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async (context) => {
      const { session, body, by } = context;
      const enabled = await security.twoFactor.confirmEnrolment({ account: session.account, code: body.code, by });
      // A change of privilege: the session id changes.
      const csrfToken = await rotateSession(security, context);
      return { ...enabled, csrfToken };
    },
  });
  routes.add(SECURITY_API.disableTwoFactor, {
    auth: 'session',
    handler: async ({ session, body, by }) =>
      security.twoFactor.disable({ account: session.account, password: body.password, code: body.code, by }),
  });
  routes.add(SECURITY_API.backupCodes, {
    auth: 'session',
    handler: async ({ session, body, by }) =>
      security.twoFactor.regenerateBackupCodes({ account: session.account, password: body.password, by }),
  });
  routes.add(SECURITY_API.mailClients, {
    auth: 'session',
    handler: async ({ session }) => ({ clients: await security.twoFactor.mailClients(session.account) }),
  });

  routes.add(SECURITY_API.clientAppPassword, {
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ session, body, by }) =>
      security.twoFactor.createClientAppPassword({
        account: session.account,
        client: { protocol: body.protocol, client: body.client },
        ...(body.name !== undefined ? { name: body.name } : {}),
        by,
      }),
  });

  // --- App passwords ---
  routes.add(SECURITY_API.appPasswords, {
    auth: 'session',
    handler: async ({ session }) => ({ appPasswords: await security.appPasswords.list(session.account) }),
  });
  routes.add(SECURITY_API.createAppPassword, {
    auth: 'session',
    handler: async ({ session, body, by }) =>
      security.appPasswords.create({ account: session.account, name: body.name, protocols: body.protocols, actor: by.actor, ...(by.ip !== undefined ? { ip: by.ip } : {}) }),
  });
  routes.add(SECURITY_API.revokeAppPassword, {
    auth: 'session',
    handler: async ({ session, params, by }) => security.appPasswords.revoke({ account: session.account, id: params.id, actor: by.actor, ...(by.ip !== undefined ? { ip: by.ip } : {}) }),
  });
}
