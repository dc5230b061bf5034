// Fields more than one endpoint takes or answers: the same field means the same rules everywhere.
import { z } from 'zod';
import { MAX_PASSWORD } from './limits.js';

/** A password as typed: never empty, bounded so a huge body cannot make argon2 hash megabytes. */
export const password = z.string().min(1).max(MAX_PASSWORD);

/** A code from the authenticator app, or a backup code. */
export const otp = z.string().min(1).max(64);

/** The half-done sign-in a second step belongs to. */
export const pendingToken = z.string().min(1).max(100);

/** Names a passkey ceremony's single-use challenge. */
export const flowId = z.string().min(1).max(100);

/** The mail services an account can open or close, and the scopes of an app password. */
export const protocol = z.enum(['smtp', 'imap', 'pop3']);

/** A numeric id in a path (/app-passwords/12). */
export const idParams = z.object({ id: z.coerce.number().int().positive() }).strict();

/** Pass back as `cursor` for the next page; absent on the last page. */
export const nextCursor = z.string().optional();

/** The browser's PublicKeyCredential as JSON; @simplewebauthn/server checks every field of it. */
export const credentialJSON = z.looseObject({ id: z.string().max(1024), rawId: z.string().max(1024), type: z.literal('public-key'), response: z.looseObject({}) });

/**
 * WebAuthn's own vocabulary, passed through as the library writes it: a field this does not name
 * (one a later WebAuthn level adds) is no error, and the OpenAPI document says so.
 */
function webAuthn<S extends z.ZodRawShape>(shape: S): z.ZodObject<S> {
  return z.object(shape).meta({ additionalProperties: {} });
}

/** A credential named in options, its id in base64url (the server's library types `type` as any string; only 'public-key' is one). */
const credentialDescriptor = webAuthn({ id: z.string(), type: z.string().pipe(z.literal('public-key')), transports: z.array(z.string()).optional() });

const userVerification = z.enum(['required', 'preferred', 'discouraged']);

/** Options for navigator.credentials.create, in their JSON form (binary fields in base64url). */
export const creationOptions = webAuthn({
  rp: webAuthn({ id: z.string().optional(), name: z.string() }),
  user: webAuthn({ id: z.string(), name: z.string(), displayName: z.string() }),
  challenge: z.string(),
  pubKeyCredParams: z.array(webAuthn({ type: z.literal('public-key'), alg: z.number() })),
  timeout: z.number().optional(),
  excludeCredentials: z.array(credentialDescriptor).optional(),
  authenticatorSelection: webAuthn({
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    requireResidentKey: z.boolean().optional(),
    residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
    userVerification: userVerification.optional(),
  }).optional(),
  attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
});

/** Options for navigator.credentials.get, in their JSON form. */
export const requestOptions = webAuthn({
  challenge: z.string(),
  timeout: z.number().optional(),
  rpId: z.string().optional(),
  allowCredentials: z.array(credentialDescriptor).optional(),
  userVerification: userVerification.optional(),
});

/** Options for a passkey ceremony and the flow to verify the browser's answer under. */
export function ceremony<O extends z.ZodType>(options: O): z.ZodObject<{ flowId: z.ZodString; options: O; expiresAt: z.ZodNumber }, z.core.$strict> {
  return z.strictObject({ flowId: z.string(), options, expiresAt: z.number() });
}
