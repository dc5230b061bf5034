// /api/v1/session: signing in (password, then a second factor or a passkey), who is signed in, signing out.
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { ceremony, credentialJSON, flowId, password, pendingToken, requestOptions } from './fields.js';

/** What a signed-in browser learns about its session: never a row. */
export const signedIn = z.strictObject({
  status: z.literal('signed_in'),
  address: z.string(),
  displayName: z.string(),
  /** The webmail's language chosen in Profile ('' follows the browser), on every device signed in. */
  language: z.string(),
  csrfToken: z.string(),
  mustChangePassword: z.boolean(),
  /** auth.require_2fa past its grace: the web goes straight to enrolment. */
  mustEnrollTwoFactor: z.boolean(),
  /** How the sign-in was completed beyond the password. */
  secondFactor: z.enum(['totp', 'backup_code', 'passkey', 'trusted_device']).optional(),
  backupCodesRemaining: z.number().optional(),
  remindBackupCodes: z.boolean().optional(),
});

/** The password was right; a code (or a passkey) must follow. */
export const secondFactorNeeded = z.strictObject({
  status: z.literal('second_factor'),
  pendingToken: z.string(),
  methods: z.array(z.enum(['totp', 'backup_code', 'passkey'])),
});

export const sessionInfo = z.strictObject({
  address: z.string(),
  displayName: z.string(),
  language: z.string(),
  csrfToken: z.string(),
  deviceId: z.string(),
  mustChangePassword: z.boolean(),
  mustEnrollTwoFactor: z.boolean(),
});

const tag = 'session';

export const SESSION_API = {
  signIn: endpoint('POST /api/v1/session', {
    summary: 'Sign in with address and password; answers second_factor when two-factor sign-in is on and the device is not trusted',
    tag,
    body: z.object({ address: z.string().min(1).max(320), password }).strict(),
    response: z.discriminatedUnion('status', [signedIn, secondFactorNeeded]),
  }),
  secondFactor: endpoint('POST /api/v1/session/second-factor', {
    summary: 'The second step of sign-in: a code from the authenticator app or a backup code',
    tag,
    body: z
      .object({
        pendingToken,
        /** A six-digit code from the app, or a backup code. */
        code: z.string().min(1).max(64),
        /** "This is my trusted device". */
        trustDevice: z.boolean().default(false),
      })
      .strict(),
    response: signedIn,
  }),
  current: endpoint('GET /api/v1/session', {
    summary: 'The signed-in account and the CSRF token for changes',
    tag,
    response: sessionInfo,
  }),
  signOut: endpoint('DELETE /api/v1/session', {
    summary: 'Sign out: the server session ends',
    tag,
    response: 'no-content',
  }),
  passkeyOptions: endpoint('POST /api/v1/session/passkey-options', {
    summary: 'Options for navigator.credentials.get: for the second step of a pending sign-in, or (without one) a password-less sign-in',
    tag,
    body: z.object({ pendingToken: pendingToken.optional() }).strict(),
    response: ceremony(requestOptions),
  }),
  passkey: endpoint('POST /api/v1/session/passkey', {
    summary: "Sign in with the browser's passkey answer: completes a pending sign-in, or signs in password-less",
    tag,
    body: z.object({ flowId, response: credentialJSON, pendingToken: pendingToken.optional(), trustDevice: z.boolean().default(false) }).strict(),
    response: signedIn,
  }),
};
