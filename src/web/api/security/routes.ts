// /api/v1/security: the Mailbox Security centre's API (device log, login records, password, security code, services, two-factor, backup codes, app passwords).
import { z } from 'zod';
import { STRENGTH_RULES } from '../../../accounts/index.js';
import { accountDomain } from '../../../lib/index.js';
import type { Security } from '../../../security/index.js';
import type { APIRoutes } from '../route.js';
import { passwordField as password } from '../schemas.js';
import { rotateSession } from '../session/routes.js';

const deviceParams = z.object({ id: z.string().uuid() }).strict();
const idParams = z.object({ id: z.coerce.number().int().positive() }).strict();
const otp = z.string().min(1).max(64);

export function securityRoutes(routes: APIRoutes, security: Security): void {
  const tag = 'security';

  // --- Device log ---
  routes.add({
    method: 'GET',
    url: '/api/v1/security/devices',
    summary: 'Device log: frequently used (trusted) devices and other devices, with status, OS, first and last login, location',
    tag,
    auth: 'session',
    handler: ({ session }) => security.devices.log(session.account, { currentDeviceId: session.device.id }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/devices/:id/logout',
    summary: 'Force logout: every session of the device ends now, live mail connections within a second',
    tag,
    auth: 'session',
    params: deviceParams,
    handler: async ({ session, params, by }) => security.devices.forceLogout({ account: session.account, deviceId: params.id, by }),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/v1/security/devices/:id/trust',
    summary: 'Remove device from the trusted list: its next sign-in asks for the second factor',
    tag,
    auth: 'session',
    params: deviceParams,
    handler: async ({ session, params, by }) => security.devices.removeTrust({ account: session.account, deviceId: params.id, by }),
  });

  // --- Login records ---
  routes.add({
    method: 'GET',
    url: '/api/v1/security/login-records',
    summary: 'Login records, newest first: all, successful or failed',
    tag,
    auth: 'session',
    query: z
      .object({
        result: z.enum(['all', 'success', 'failure']).default('all'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().max(200).optional(),
      })
      .strict(),
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
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/password',
    summary: 'Change the password (current, new, confirm; the personal security code when the admin requires it)',
    tag,
    auth: 'session',
    body: z.object({ current: password, next: password, confirm: password, securityCode: z.string().max(64).optional() }).strict(),
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
  routes.add({
    method: 'GET',
    url: '/api/v1/security/password-settings',
    summary: "The rules in force for this account's password (the admin's strength level), whether the personal security code is asked, and the hint",
    tag,
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
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/password-hint',
    summary: 'Set the password hint (shown after a failed sign-in where the admin allows hints)',
    tag,
    auth: 'session',
    body: z.object({ hint: z.string().max(200) }).strict(),
    handler: async ({ session, body, by }) => security.accountSecurity.setPasswordHint({ account: session.account, hint: body.hint, by }),
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/security-code',
    summary: 'Set or change the personal security code (needs the password)',
    tag,
    auth: 'session',
    body: z.object({ password, code: z.string().min(1).max(64) }).strict(),
    handler: async ({ session, body, by }) => security.accountSecurity.setSecurityCode({ account: session.account, password: body.password, code: body.code, by }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/security/services',
    summary: 'Mail services: SMTP, POP3 and IMAP4, each open or closed',
    tag,
    auth: 'session',
    handler: async ({ session }) => {
      const account = session.account;
      return { smtp: account.smtpEnabled, pop3: account.pop3Enabled, imap: account.imapEnabled };
    },
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/services',
    summary: 'Open or close SMTP, POP3 and IMAP4; closing one ends its live connections',
    tag,
    auth: 'session',
    body: z.object({ smtp: z.boolean().optional(), pop3: z.boolean().optional(), imap: z.boolean().optional() }).strict(),
    handler: async ({ session, body, by }) => {
      const changes = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<Record<'smtp' | 'pop3' | 'imap', boolean>>;
      return security.accountSecurity.setServices({ account: session.account, changes, by });
    },
  });

  // --- Two-factor sign-in and backup codes ---
  routes.add({
    method: 'GET',
    url: '/api/v1/security/two-factor',
    summary: 'Whether two-factor sign-in is on, backup codes left (and the reminder banner), and what the admin requires',
    tag,
    auth: 'session',
    beforeEnrolment: true,
    handler: async ({ session }) => security.twoFactor.status(session.account),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/two-factor/totp',
    summary: 'Start TOTP enrolment (needs the password): otpauth URI, QR code (SVG) and the key as text',
    tag,
    auth: 'session',
    beforeEnrolment: true,
    body: z.object({ password }).strict(),
    handler: async ({ session, body, by }) => security.twoFactor.beginEnrolment({ account: session.account, password: body.password, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/two-factor/totp/confirm',
    summary: 'Confirm enrolment with one code: two-factor sign-in is on; backup codes (shown once) and the mail clients that will need app passwords',
    tag,
    auth: 'session',
    beforeEnrolment: true,
    body: z.object({ code: otp }).strict(),
    handler: async (context) => {
      const { session, body, by } = context;
      const enabled = await security.twoFactor.confirmEnrolment({ account: session.account, code: body.code, by });
      // A change of privilege: the session id changes.
      const csrfToken = await rotateSession(security, context);
      return { ...enabled, csrfToken };
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/two-factor/disable',
    summary: 'Turn two-factor sign-in off (needs the password and a second factor); clears every trusted device',
    tag,
    auth: 'session',
    body: z.object({ password, code: otp }).strict(),
    handler: async ({ session, body, by }) =>
      security.twoFactor.disable({ account: session.account, password: body.password, code: body.code, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/backup-codes',
    summary: 'A new set of backup codes (needs the password); the old set stops working',
    tag,
    auth: 'session',
    body: z.object({ password }).strict(),
    handler: async ({ session, body, by }) =>
      security.twoFactor.regenerateBackupCodes({ account: session.account, password: body.password, by }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/security/mail-clients',
    summary: 'Mail clients that signed in with the password in the last 30 days (each will need an app password with two-factor sign-in on)',
    tag,
    auth: 'session',
    handler: async ({ session }) => ({ clients: await security.twoFactor.mailClients(session.account) }),
  });

  routes.add({
    method: 'POST',
    url: '/api/v1/security/mail-clients/app-passwords',
    summary: 'Create the app password offered for a listed mail client, scoped to the protocol it used; its secret is shown once',
    tag,
    auth: 'session',
    beforeEnrolment: true,
    body: z.object({ protocol: z.enum(['smtp', 'imap', 'pop3']), client: z.string().max(200), name: z.string().min(1).max(100).optional() }).strict(),
    handler: async ({ session, body, by }) =>
      security.twoFactor.createClientAppPassword({
        account: session.account,
        client: { protocol: body.protocol, client: body.client },
        ...(body.name !== undefined ? { name: body.name } : {}),
        by,
      }),
  });

  // --- App passwords ---
  routes.add({
    method: 'GET',
    url: '/api/v1/security/app-passwords',
    summary: 'App passwords for mail clients (never their secrets)',
    tag,
    auth: 'session',
    handler: async ({ session }) => ({ appPasswords: await security.appPasswords.list(session.account) }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/app-passwords',
    summary: 'Create an app password for some of SMTP, IMAP and POP3; its secret is shown once',
    tag,
    auth: 'session',
    body: z.object({ name: z.string().min(1).max(100), protocols: z.array(z.enum(['smtp', 'imap', 'pop3'])).min(1) }).strict(),
    handler: async ({ session, body, by }) =>
      security.appPasswords.create({ account: session.account, name: body.name, protocols: body.protocols, actor: by.actor, ...(by.ip !== undefined ? { ip: by.ip } : {}) }),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/v1/security/app-passwords/:id',
    summary: 'Revoke an app password; clients using it are signed out within a second',
    tag,
    auth: 'session',
    params: idParams,
    handler: async ({ session, params, by }) => security.appPasswords.revoke({ account: session.account, id: params.id, actor: by.actor, ...(by.ip !== undefined ? { ip: by.ip } : {}) }),
  });
}
