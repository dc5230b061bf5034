// /api/v1/security/passkeys: adding, renaming and deleting the account's passkeys (signing in with one is in the session API).
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { ceremony, creationOptions, credentialJSON, flowId, idParams, password } from './fields.js';

/** What the list shows: never the public key, the credential id or the user handle. */
export const passkey = z.strictObject({
  id: z.number(),
  name: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  /** The authenticator reports the credential as backed up (synced to the user's other devices). */
  backedUp: z.boolean(),
  transports: z.array(z.string()),
});

const tag = 'passkeys';

export const PASSKEY_API = {
  list: endpoint('GET /api/v1/security/passkeys', {
    summary: 'The account passkeys: name, created, last used, backed up (never key material)',
    tag,
    response: z.strictObject({ passkeys: z.array(passkey) }),
  }),
  registrationOptions: endpoint('POST /api/v1/security/passkeys/registration-options', {
    summary: 'Start adding a passkey (needs the password): options for navigator.credentials.create and the flow id',
    tag,
    body: z.object({ password }).strict(),
    response: ceremony(creationOptions),
  }),
  add: endpoint('POST /api/v1/security/passkeys', {
    summary: "Finish adding a passkey with the browser's answer and a name",
    tag,
    body: z.object({ flowId, name: z.string().min(1).max(200), response: credentialJSON }).strict(),
    response: passkey,
  }),
  rename: endpoint('PATCH /api/v1/security/passkeys/:id', {
    summary: 'Rename a passkey',
    tag,
    params: idParams,
    body: z.object({ name: z.string().min(1).max(200) }).strict(),
    response: passkey,
  }),
  remove: endpoint('POST /api/v1/security/passkeys/:id/delete', {
    summary: 'Delete a passkey (needs the password)',
    tag,
    params: idParams,
    body: z.object({ password }).strict(),
    response: 'no-content',
  }),
};
