// Passkeys in the browser: the server's options JSON through @simplewebauthn/browser (loaded only when a ceremony starts), and the browser's refusals in words for the page.
import type * as WebAuthnBrowser from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { i18n } from './i18n/index.js';

/** The options of a registration, as the server's @simplewebauthn/server writes them. */
export type CreationOptionsJSON = PublicKeyCredentialCreationOptionsJSON;
/** The options of a sign-in with a passkey, as the server writes them. */
export type RequestOptionsJSON = PublicKeyCredentialRequestOptionsJSON;

/**
 * The library is imported when a ceremony starts, not with the first page: most visits never use
 * a passkey, and the first page has a JavaScript budget (bench/web).
 */
function library(): Promise<typeof WebAuthnBrowser> {
  return import('@simplewebauthn/browser');
}

/** The browser (and the connection) allow passkeys here: a secure context with the WebAuthn API. */
export function passkeysSupported(): boolean {
  return window.isSecureContext && typeof window.PublicKeyCredential === 'function' && navigator.credentials !== undefined;
}

/**
 * Why a ceremony stopped in the browser, in words for the page (in the user's language). The
 * library passes the browser's DOMException on, or wraps it in a WebAuthnError of the same name.
 */
export function describePasskeyError(error: unknown): string {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'NotAllowedError') return i18n.t('security.passkeyErrors.cancelled');
  if (name === 'InvalidStateError') return i18n.t('security.passkeyErrors.exists');
  if (name === 'SecurityError') return i18n.t('security.passkeyErrors.address');
  return i18n.t('security.passkeyErrors.failed');
}

/** navigator.credentials.create with the server's options; the answer as the JSON the API verifies. */
export async function createPasskey(options: CreationOptionsJSON): Promise<Record<string, unknown>> {
  const { startRegistration } = await library();
  return { ...(await startRegistration({ optionsJSON: options })) };
}

/** navigator.credentials.get with the server's options; the answer as the JSON the API verifies. */
export async function getPasskey(options: RequestOptionsJSON): Promise<Record<string, unknown>> {
  const { startAuthentication } = await library();
  return { ...(await startAuthentication({ optionsJSON: options })) };
}

/**
 * Runs a passkey ceremony step and turns a browser refusal into an Error with a readable message,
 * so the page's action shows it like an API error.
 */
export async function inBrowser<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new PasskeyError(describePasskeyError(error));
  }
}

export class PasskeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasskeyError';
  }
}
