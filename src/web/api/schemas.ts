// zod schemas more than one route file validates with: the same field means the same rules everywhere.
import { z } from 'zod';

/** A password as typed: never empty, bounded so a huge body cannot make argon2 hash megabytes. */
export const passwordField = z.string().min(1).max(1024);

/** The browser's PublicKeyCredential as JSON; @simplewebauthn/server checks every field of it. */
export const credentialJSON = z.looseObject({ id: z.string().max(1024), rawId: z.string().max(1024), type: z.literal('public-key'), response: z.looseObject({}) });
