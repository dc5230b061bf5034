// Alternate email, forgot password, and the in-app security notifications with their switches.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { MailwardError } from '../../../errors/index.js';
import type { ResetSecondFactor, Security } from '../../../security/index.js';
import type { APIRoutes } from '../route.js';
import { credentialJSON, passwordField as password } from '../schemas.js';

const token = z.string().min(1).max(200);

export function recoveryRoutes(routes: APIRoutes, security: Security, options: { publicURL: string }): void {
  const { publicURL } = options;

  // --- Alternate email ---
  routes.add({
    method: 'GET',
    url: '/api/v1/security/alternate-email',
    summary: 'The verified alternate email, and one waiting for verification',
    tag: 'security',
    auth: 'session',
    handler: ({ session }) => security.alternateEmail.status(session.account),
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/alternate-email',
    summary: 'Add or change the alternate email (needs the password): a code and a link are sent to it',
    tag: 'security',
    auth: 'session',
    body: z.object({ address: z.string().min(3).max(320), password }).strict(),
    handler: ({ session, body, by }) => security.alternateEmail.add({ account: session.account, address: body.address, password: body.password, baseUrl: publicURL, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/alternate-email/verify',
    summary: 'Verify the alternate email with the code sent to it',
    tag: 'security',
    auth: 'session',
    body: z.object({ code: z.string().min(1).max(32) }).strict(),
    handler: ({ session, body, by }) => security.alternateEmail.verifyCode({ account: session.account, code: body.code, by }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/alternate-email/verify-link',
    summary: 'Verify an alternate email with the token of the link sent to it (no session needed: the link may be opened anywhere)',
    tag: 'recovery',
    auth: 'none',
    body: z.object({ token }).strict(),
    handler: ({ body, ip }) => security.alternateEmail.verifyLink({ token: body.token, ip }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/security/alternate-email/remove',
    summary: 'Remove the alternate email (needs the password)',
    tag: 'security',
    auth: 'session',
    body: z.object({ password }).strict(),
    handler: ({ session, body, by }) => security.alternateEmail.remove({ account: session.account, password: body.password, by }),
  });

  // --- Forgot password ---
  routes.add({
    method: 'POST',
    url: '/api/v1/password-reset',
    summary: 'Forgot password: mails a reset link to the verified alternate email; the same answer whether or not the account exists',
    tag: 'recovery',
    auth: 'none',
    body: z.object({ address: z.string().min(1).max(320) }).strict(),
    handler: ({ body, ip }) => security.passwordReset.request({ address: body.address, ip, baseUrl: publicURL }),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/password-reset/check',
    summary: 'Whether a reset link is still good, and whether a second factor will be asked',
    tag: 'recovery',
    auth: 'none',
    body: z.object({ token }).strict(),
    handler: ({ body }) => security.passwordReset.check(body.token),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/password-reset/passkey-options',
    summary: "Options for navigator.credentials.get to prove the second factor of a reset with one of the account's passkeys",
    tag: 'recovery',
    auth: 'none',
    body: z.object({ token }).strict(),
    handler: async ({ body }) => {
      const checked = await security.passwordReset.check(body.token);
      const account = checked.valid ? await security.accountByAddress(checked.address) : undefined;
      if (!account) throw new MailwardError('NOT_FOUND', { message: 'This link is not valid any more. Ask for a new one.' });
      return security.passkeys.authenticationOptions({ accountId: account.id });
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/password-reset/complete',
    summary: 'Set the new password with the link token (and a code or a passkey when two-factor sign-in is on); every session ends',
    tag: 'recovery',
    auth: 'none',
    body: z
      .object({
        token,
        password,
        confirm: password,
        code: z.string().min(1).max(64).optional(),
        passkey: z.object({ flowId: z.string().min(1).max(100), response: credentialJSON }).strict().optional(),
      })
      .strict(),
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
  routes.add({
    method: 'GET',
    url: '/api/v1/security/notifications',
    summary: 'Security notifications, newest first, with the unread count',
    tag: 'security',
    auth: 'session',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional(), unread: z.enum(['true', 'false']).optional() }).strict(),
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
  routes.add({
    method: 'POST',
    url: '/api/v1/security/notifications/read',
    summary: 'Mark notifications read (all of them when no ids are given)',
    tag: 'security',
    auth: 'session',
    body: z.object({ ids: z.array(z.number().int().positive()).max(500).optional() }).strict(),
    handler: async ({ session, body }) => ({ marked: await security.alerts.markRead({ accountId: session.account.id, ...(body.ids ? { ids: body.ids } : {}) }) }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/security/alerts',
    summary: 'Which security alerts are on; the critical ones cannot be switched off',
    tag: 'security',
    auth: 'session',
    handler: async ({ session }) => ({ alerts: await security.alerts.preferences(session.account.id) }),
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/security/alerts/:kind',
    summary: 'Switch a non-critical alert on or off',
    tag: 'security',
    auth: 'session',
    params: z.object({ kind: z.string().min(1).max(64) }).strict(),
    body: z.object({ enabled: z.boolean() }).strict(),
    handler: async ({ session, params, body, by }) => ({ alerts: await security.alerts.setPreference({ account: session.account, kind: params.kind, enabled: body.enabled, by }) }),
  });
}
