// Getting back into an account: the alternate email (added, verified by code or link, removed) and "Forgot password" (a mailed link, then a new password and the second factor).
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { ceremony, credentialJSON, flowId, password, requestOptions } from './fields.js';

export const alternateEmailStatus = z.strictObject({
  /** The verified address: the only one recovery and alerts use. */
  address: z.string().nullable(),
  verifiedAt: z.number().nullable(),
  /** An address being verified, and until when its code and link work. */
  pending: z.strictObject({ address: z.string(), expiresAt: z.number() }).nullable(),
});

/** The same answer whatever the address: nobody learns which accounts exist or how they recover. */
export const passwordResetRequested = z.strictObject({ accepted: z.literal(true), message: z.string() });

export const passwordResetCheck = z.discriminatedUnion('valid', [
  z.strictObject({ valid: z.literal(false) }),
  z.strictObject({
    valid: z.literal(true),
    address: z.string(),
    /** Two-factor sign-in is on: completing needs a code or a passkey as well. */
    secondFactorRequired: z.boolean(),
    expiresAt: z.number(),
  }),
]);

const token = z.string().min(1).max(200);

export const RECOVERY_API = {
  alternateEmail: endpoint('GET /api/v1/security/alternate-email', {
    summary: 'The verified alternate email, and one waiting for verification',
    tag: 'security',
    response: alternateEmailStatus,
  }),
  addAlternateEmail: endpoint('PUT /api/v1/security/alternate-email', {
    summary: 'Add or change the alternate email (needs the password): a code and a link are sent to it',
    tag: 'security',
    body: z.object({ address: z.string().min(3).max(320), password }).strict(),
    response: z.strictObject({ address: z.string(), expiresAt: z.number() }),
  }),
  verifyAlternateEmail: endpoint('POST /api/v1/security/alternate-email/verify', {
    summary: 'Verify the alternate email with the code sent to it',
    tag: 'security',
    body: z.object({ code: z.string().min(1).max(32) }).strict(),
    response: alternateEmailStatus,
  }),
  verifyAlternateEmailLink: endpoint('POST /api/v1/alternate-email/verify-link', {
    summary: 'Verify an alternate email with the token of the link sent to it (no session needed: the link may be opened anywhere)',
    tag: 'recovery',
    body: z.object({ token }).strict(),
    response: z.strictObject({ account: z.string(), address: z.string() }),
  }),
  removeAlternateEmail: endpoint('POST /api/v1/security/alternate-email/remove', {
    summary: 'Remove the alternate email (needs the password)',
    tag: 'security',
    body: z.object({ password }).strict(),
    response: 'no-content',
  }),
  requestReset: endpoint('POST /api/v1/password-reset', {
    summary: 'Forgot password: mails a reset link to the verified alternate email; the same answer whether or not the account exists',
    tag: 'recovery',
    body: z.object({ address: z.string().min(1).max(320) }).strict(),
    response: passwordResetRequested,
  }),
  checkReset: endpoint('POST /api/v1/password-reset/check', {
    summary: 'Whether a reset link is still good, and whether a second factor will be asked',
    tag: 'recovery',
    body: z.object({ token }).strict(),
    response: passwordResetCheck,
  }),
  resetPasskeyOptions: endpoint('POST /api/v1/password-reset/passkey-options', {
    summary: "Options for navigator.credentials.get to prove the second factor of a reset with one of the account's passkeys",
    tag: 'recovery',
    body: z.object({ token }).strict(),
    response: ceremony(requestOptions),
  }),
  completeReset: endpoint('POST /api/v1/password-reset/complete', {
    summary: 'Set the new password with the link token (and a code or a passkey when two-factor sign-in is on); every session ends',
    tag: 'recovery',
    body: z
      .object({
        token,
        password,
        confirm: password,
        code: z.string().min(1).max(64).optional(),
        passkey: z.object({ flowId, response: credentialJSON }).strict().optional(),
      })
      .strict(),
    response: z.strictObject({ address: z.string() }),
  }),
};
