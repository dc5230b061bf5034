// /api/v1/settings: the account's own settings outside Mailbox Security: the profile (display name, webmail language) and the auto-forwarding list.
import { z } from 'zod';
import { accountDomain } from '../../../lib/index.js';
import type { Account } from '../../../accounts/index.js';
import { profileOf } from '../../../accounts/index.js';
import type { Forwarding } from '../../../transport/index.js';
import { MAX_FORWARD_ADDRESSES } from '../../../transport/index.js';
import type { Security } from '../../../security/index.js';
import type { APIRoutes } from '../route.js';

export interface SettingsAPIDeps {
  /** The same Forwarding service inbound delivery reads the lists from. */
  forwarding: Forwarding;
}

/** The webmail's languages; '' follows the browser's preference. */
export const PROFILE_LANGUAGES = ['', 'en', 'zh-TW', 'zh-CN'] as const;

export const MAX_DISPLAY_NAME = 100;

/**
 * The display name goes into the From: header of mail the webmail sends: a CR or LF would let it
 * add headers (Bcc:, a second From:), and other control characters (NUL, tabs, the Unicode line
 * separators) break header folding or hide text. Refused before trimming, so none slips through.
 */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const displayName = z
  .string()
  .max(1000)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain line breaks or other control characters')
  .trim()
  .max(MAX_DISPLAY_NAME);

const profileBody = z.object({ displayName: displayName.optional(), language: z.enum(PROFILE_LANGUAGES).optional() }).strict();

const forwardingBody = z
  .object({
    // Bounded here only against huge bodies: the Forwarding service counts the addresses left after
    // removing duplicates and answers LIMIT above MAX_FORWARD_ADDRESSES.
    addresses: z.array(z.string().min(1).max(320)).max(100),
    keepCopy: z.boolean(),
    securityCode: z.string().max(64).optional(),
  })
  .strict();


export function settingsRoutes(routes: APIRoutes, security: Security, deps: SettingsAPIDeps): void {
  const tag = 'settings';

  /** The profile as the page shows it; the hint only where the admin allows hints (it is set through /security/password-hint). */
  async function presentProfile(account: Account): Promise<Record<string, unknown>> {
    const hintsEnabled = await security.policies.get('password.hints_enabled', { domain: accountDomain(account) });
    return {
      address: account.address,
      ...profileOf(account),
      hintsEnabled,
      hint: hintsEnabled ? (account.passwordHint ?? '') : '',
    };
  }

  async function presentForwarding(account: Account, settings: { addresses: string[]; keepCopy: boolean }): Promise<Record<string, unknown>> {
    return {
      addresses: settings.addresses,
      keepCopy: settings.keepCopy,
      securityCodeRequired: await security.accountSecurity.securityCodeRequired(account),
      maxAddresses: MAX_FORWARD_ADDRESSES,
    };
  }

  routes.add({
    method: 'GET',
    url: '/api/v1/settings/profile',
    summary: "The profile: address, display name, the webmail's language ('' follows the browser), and the password hint where hints are enabled",
    tag,
    auth: 'session',
    handler: async ({ session }) => presentProfile(session.account),
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/settings/profile',
    summary: "Change the display name (at most 100 characters, no line breaks) and the webmail's language ('', en, zh-TW, zh-CN); audited",
    tag,
    auth: 'session',
    body: profileBody,
    handler: async ({ session, body, by }) => presentProfile(await security.profiles.update({ account: session.account, changes: body, by })),
  });

  routes.add({
    method: 'GET',
    url: '/api/v1/settings/forwarding',
    summary: 'The auto-forwarding list, whether a copy stays in the mailbox, whether the personal security code is asked, and the most addresses allowed',
    tag,
    auth: 'session',
    handler: async ({ session }) => presentForwarding(session.account, await deps.forwarding.get(session.account)),
  });
  routes.add({
    method: 'PUT',
    url: '/api/v1/settings/forwarding',
    summary: 'Set the auto-forwarding list (at most 10 addresses, never the account itself) and whether to keep a copy; needs the personal security code when the admin requires it; audited',
    tag,
    auth: 'session',
    body: forwardingBody,
    handler: async ({ session, body, by }) => {
      const saved = await deps.forwarding.set({
        account: session.account,
        addresses: body.addresses,
        keepCopy: body.keepCopy,
        ...(body.securityCode !== undefined ? { securityCode: body.securityCode } : {}),
        by,
      });
      return presentForwarding(session.account, saved);
    },
  });
}
