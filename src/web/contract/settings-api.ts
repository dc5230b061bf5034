// /api/v1/settings: the account's own settings outside Mailbox Security: the profile (display name, webmail language) and the auto-forwarding list.
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { MAX_DISPLAY_NAME, PROFILE_LANGUAGES } from './limits.js';

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

export const profileSettings = z.strictObject({
  address: z.string(),
  displayName: z.string(),
  /** '' follows the browser; otherwise en, zh-TW or zh-CN. */
  language: z.string(),
  hintsEnabled: z.boolean(),
  /** The password hint where the administrator enables hints ('' otherwise); it is set through /security/password-hint. */
  hint: z.string(),
});

export const forwardingSettings = z.strictObject({
  addresses: z.array(z.string()),
  keepCopy: z.boolean(),
  /** The administrator turned the personal security code on and this account has one. */
  securityCodeRequired: z.boolean(),
  maxAddresses: z.number(),
});

const tag = 'settings';

export const SETTINGS_API = {
  profile: endpoint('GET /api/v1/settings/profile', {
    summary: "The profile: address, display name, the webmail's language ('' follows the browser), and the password hint where hints are enabled",
    tag,
    response: profileSettings,
  }),
  setProfile: endpoint('PUT /api/v1/settings/profile', {
    summary: "Change the display name (at most 100 characters, no line breaks) and the webmail's language ('', en, zh-TW, zh-CN); audited",
    tag,
    body: z.object({ displayName: displayName.optional(), language: z.enum(PROFILE_LANGUAGES).optional() }).strict(),
    response: profileSettings,
  }),
  forwarding: endpoint('GET /api/v1/settings/forwarding', {
    summary: 'The auto-forwarding list, whether a copy stays in the mailbox, whether the personal security code is asked, and the most addresses allowed',
    tag,
    response: forwardingSettings,
  }),
  setForwarding: endpoint('PUT /api/v1/settings/forwarding', {
    summary: 'Set the auto-forwarding list (at most 10 addresses, never the account itself) and whether to keep a copy; needs the personal security code when the admin requires it; audited',
    tag,
    body: z
      .object({
        // Bounded here only against huge bodies: the Forwarding service counts the addresses left
        // after removing duplicates and answers LIMIT above its maximum.
        addresses: z.array(z.string().min(1).max(320)).max(100),
        keepCopy: z.boolean(),
        securityCode: z.string().max(64).optional(),
      })
      .strict(),
    response: forwardingSettings,
  }),
};
