// The /api/v1 contract: every endpoint with its request and response schemas, the error codes and the named answer types.
//
// The server imports values from here; the webmail imports only types (and values only from
// error-codes.ts and limits.ts, which need no zod), so no schema reaches its bundle.
import type { Endpoint } from './endpoint.js';
import { MAIL_API } from './mail-api.js';
import { MESSAGE_API } from './message-api.js';
import { NOTIFICATION_API } from './notification-api.js';
import { PASSKEY_API } from './passkey-api.js';
import { RECOVERY_API } from './recovery-api.js';
import { SECURITY_API } from './security-api.js';
import { SESSION_API } from './session-api.js';
import { SETTINGS_API } from './settings-api.js';

export * from './endpoint.js';
export * from './error-body.js';
export * from './error-codes.js';
export * from './limits.js';
export * from './types.js';
export { MAX_IMAGE_URL_LENGTH, MAIL_API, composedMessage } from './mail-api.js';
export { MESSAGE_API, folderName, folderParams, messageParams, uidList } from './message-api.js';
export { NOTIFICATION_API } from './notification-api.js';
export { PASSKEY_API } from './passkey-api.js';
export { RECOVERY_API } from './recovery-api.js';
export { SECURITY_API } from './security-api.js';
export { SESSION_API } from './session-api.js';
export { SETTINGS_API } from './settings-api.js';

/** Every endpoint, by area. */
export const API = {
  session: SESSION_API,
  security: SECURITY_API,
  passkeys: PASSKEY_API,
  recovery: RECOVERY_API,
  notifications: NOTIFICATION_API,
  mail: MAIL_API,
  messages: MESSAGE_API,
  settings: SETTINGS_API,
};

type Areas = typeof API;
type AnyEndpoint = { [A in keyof Areas]: Areas[A][keyof Areas[A]] }[keyof Areas];

/** Each endpoint under its route key ('GET /api/v1/session'): what a client names when it calls one. */
export type Routes = { [E in AnyEndpoint as E['route']]: E };
export type Route = keyof Routes;

export const ENDPOINTS: readonly Endpoint[] = Object.values(API).flatMap((area) => Object.values(area) as Endpoint[]);
