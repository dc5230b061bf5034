// Passkeys (WebAuthn): registering several per account, signing in with one as a second factor or password-less, listing, renaming and deleting them.
import { randomBytes } from 'node:crypto';
import type * as SimpleWebAuthn from '@simplewebauthn/server';
import type { verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Account, PolicyService } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import { normalizeAddress } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { PasskeyRow, Store } from '../../store/index.js';
import type { AccountSecurity } from '../account-security.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import { canonicalIp } from '../gate/network.js';
import type { Throttle } from '../gate/throttle.js';
import { throttleLimits } from '../gate/throttle.js';
import { PASSKEY_CHALLENGE_TTL_MS, PasskeyFlows } from './passkey-flows.js';

/** The WebAuthn library, loaded on the first passkey operation (it and its ASN.1 dependencies are large; most sign-ins never need them). */
const webauthn = (): Promise<typeof SimpleWebAuthn> => import('@simplewebauthn/server');

export const PASSKEY_NAME_MAX = 64;
/** Enough for every device a person owns; a cap keeps excludeCredentials and the list small. */
export const MAX_PASSKEYS = 20;
/** Sign-ins from an IP the account used successfully this recently do not count towards the account-wide block. */
const KNOWN_IP_WINDOW_MS = 30 * 24 * 3600_000;
/** The transports WebAuthn Level 3 names; a browser may send others, which are dropped, not stored. */
export const PASSKEY_TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
export type PasskeyTransport = (typeof PASSKEY_TRANSPORTS)[number];

export interface PasskeyDeps {
  store: Pick<Store, 'accounts' | 'passkeys' | 'loginRecords' | 'state'>;
  /** For the per-domain throttle limits (auth.max_failures …). */
  policies: PolicyService;
  throttle: Throttle;
  accountSecurity: Pick<AccountSecurity, 'verifyCurrentPassword'>;
  audit: AuditLog;
  now: () => number;
  /** The relying party id: the host name the webmail is served on (credentials are bound to it). */
  rpID: string;
  /** The name authenticators show beside the account. */
  rpName: string;
  /** Every origin the webmail is served from (scheme://host[:port]); an assertion made on any other is refused. */
  origins: string[];
}

/** What the list shows: never the public key, the credential id or the user handle. */
export interface PasskeyView {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** The authenticator reports the credential as backed up (synced to the user's other devices). */
  backedUp: boolean;
  transports: PasskeyTransport[];
}

/** Options for navigator.credentials.create/get, and the flow to verify the answer under. */
export interface PasskeyCeremony<O> {
  /** Names the single-use challenge in the shared state; sent back with the browser's answer. */
  flowId: string;
  options: O;
  expiresAt: number;
}

export interface PasskeySignIn {
  accountId: number;
  passkeyId: number;
  /** The authenticator verified the user (PIN, biometrics), not only their presence. */
  userVerified: boolean;
}

/** Why an assertion was refused: for the server log (the MailwardError's cause), never for the client. */
export type PasskeyRefusal = 'flow' | 'account' | 'credential_unknown' | 'credential_other_account' | 'user_handle' | 'assertion' | 'counter';

export function presentPasskey(row: PasskeyRow): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    backedUp: row.backed_up === 1,
    transports: transportsOf(row.transports),
  };
}

function transportsOf(text: string | readonly string[] | undefined): PasskeyTransport[] {
  const items = typeof text === 'string' ? text.split(',') : [...(text ?? [])];
  return PASSKEY_TRANSPORTS.filter((t) => items.includes(t));
}

/** A user-given name: control characters dropped, trimmed, 1 to PASSKEY_NAME_MAX characters. */
export function passkeyName(text: string): string {
  const name = text.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const length = [...name].length;
  if (length === 0 || length > PASSKEY_NAME_MAX) {
    throw new MailwardError('INVALID_INPUT', { message: `passkey: a name of 1 to ${PASSKEY_NAME_MAX} characters is required` });
  }
  return name;
}

/** "Phone" and "phone " are one name to the person choosing which passkey to delete. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function refused(refusal: PasskeyRefusal, cause?: unknown): MailwardError {
  return new MailwardError('AUTH_FAILED', { cause: new Error(`passkey refused: ${refusal}`, cause === undefined ? undefined : { cause }) });
}

export class Passkeys {
  readonly #flows: PasskeyFlows;

  constructor(private readonly deps: PasskeyDeps) {
    this.#flows = new PasskeyFlows(deps.store.state);
  }

  async list(account: Account): Promise<PasskeyView[]> {
    return (await this.deps.store.passkeys.listForAccount(account.id)).map(presentPasskey);
  }

  /**
   * Starts adding a passkey. The account password is asked again: whoever holds only a stolen web
   * session must not be able to add an authenticator of their own and keep access after the owner
   * changes the password. The account's passkeys are excluded, so one authenticator is not added twice.
   */
  async registrationOptions(options: { account: Account; password: string; by: Actor }): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
    const { account, by } = options;
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const existing = await this.deps.store.passkeys.listForAccount(account.id);
    if (existing.length >= MAX_PASSKEYS) {
      throw new MailwardError('LIMIT', { message: `passkey: at most ${MAX_PASSKEYS} per account; delete unused ones first` });
    }
    // One user.id per account (kept on its passkeys): an authenticator keeps one discoverable
    // credential per (RP, user.id), and a random one says nothing about the account to whoever reads it.
    const userHandle = existing[0]?.user_handle ?? randomBytes(32).toString('base64url');
    const creation = await (await webauthn()).generateRegistrationOptions({
      rpName: this.deps.rpName,
      rpID: this.deps.rpID,
      userName: account.address,
      userDisplayName: account.displayName === '' ? account.address : account.displayName,
      userID: new Uint8Array(Buffer.from(userHandle, 'base64url')),
      timeout: PASSKEY_CHALLENGE_TTL_MS,
      // No attestation: Mailward trusts no vendor list, and "none" asks nothing that identifies the device model.
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row.transports) })),
      // 'preferred' resident key: a passkey that can also sign in without the password; security
      // keys that cannot store one still work as a second factor. Verification is asked for at
      // sign-in when it matters (password-less), not required here, so PIN-less keys can be added.
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    const now = this.deps.now();
    const { flowId, expiresAt } = await this.#flows.save(
      { kind: 'registration', challenge: creation.challenge, accountId: account.id, userHandle, userVerification: 'preferred' },
      now,
    );
    return { flowId, options: creation, expiresAt };
  }

  /**
   * Finishes adding a passkey with the browser's answer (WebAuthn §7.1): challenge, origin, RP id
   * hash and user presence are checked by @simplewebauthn/server; the credential must be new to
   * every account. Once the name is accepted, the flow is used up whatever the outcome.
   */
  async verifyRegistration(options: {
    account: Account;
    flowId: string;
    response: RegistrationResponseJSON;
    name: string;
    by: Actor;
  }): Promise<PasskeyView> {
    const { account, by } = options;
    // The name is checked before the flow is taken, so a name already in use does not cost the ceremony.
    const name = passkeyName(options.name);
    const existing = await this.deps.store.passkeys.listForAccount(account.id);
    if (existing.some((row) => sameName(row.name, name))) throw new MailwardError('EXISTS', { message: `passkey: the name "${name}" is taken` });
    if (existing.length >= MAX_PASSKEYS) {
      throw new MailwardError('LIMIT', { message: `passkey: at most ${MAX_PASSKEYS} per account; delete unused ones first` });
    }
    const now = this.deps.now();
    const flow = await this.#flows.take(options.flowId, 'registration', now);
    if (!flow || flow.accountId !== account.id || flow.userHandle === undefined) {
      throw new MailwardError('NOT_FOUND', { message: 'no passkey registration in progress (or it expired): start again' });
    }
    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await (await webauthn()).verifyRegistrationResponse({
        response: options.response,
        expectedChallenge: flow.challenge,
        expectedOrigin: this.deps.origins,
        expectedRPID: this.deps.rpID,
        requireUserVerification: false,
      });
    } catch (error) {
      throw new MailwardError('INVALID_INPUT', { message: "passkey: the authenticator's answer could not be verified", cause: error });
    }
    if (!verification.verified) throw new MailwardError('INVALID_INPUT', { message: "passkey: the authenticator's answer could not be verified" });
    const info = verification.registrationInfo;
    if (await this.deps.store.passkeys.findByCredentialId(info.credential.id)) {
      throw new MailwardError('EXISTS', { message: 'passkey: this authenticator is registered already' });
    }
    const row = await this.deps.store.passkeys.create({
      account_id: account.id,
      credential_id: info.credential.id,
      public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
      user_handle: flow.userHandle,
      counter: info.credential.counter,
      transports: transportsOf(info.credential.transports).join(','),
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      name,
      created_at: now,
    });
    const view = presentPasskey(row);
    await this.deps.audit.append({
      actor: by.actor,
      action: 'passkey.added',
      account,
      ip: by.ip,
      details: { id: row.id, name, backedUp: view.backedUp, transports: view.transports },
    });
    return view;
  }

  /**
   * Starts a sign-in. With an account (after its password): its passkeys are allowed, as a second
   * factor, user verification preferred. Without: allowCredentials is empty so the browser offers
   * the discoverable passkeys it holds, and user verification is required, since the passkey is
   * then the only factor and must be "something you have" plus "something you are or know".
   */
  async authenticationOptions(options: { accountId?: number } = {}): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
    const now = this.deps.now();
    const rows = options.accountId === undefined ? [] : await this.deps.store.passkeys.listForAccount(options.accountId);
    if (options.accountId !== undefined && rows.length === 0) {
      throw new MailwardError('NOT_FOUND', { message: 'passkey: the account has none' });
    }
    const userVerification = options.accountId === undefined ? 'required' : 'preferred';
    const request = await (await webauthn()).generateAuthenticationOptions({
      rpID: this.deps.rpID,
      allowCredentials: rows.map((row) => ({ id: row.credential_id, transports: transportsOf(row.transports) })),
      userVerification,
      timeout: PASSKEY_CHALLENGE_TTL_MS,
    });
    const { flowId, expiresAt } = await this.#flows.save(
      { kind: 'authentication', challenge: request.challenge, ...(options.accountId !== undefined ? { accountId: options.accountId } : {}), userVerification },
      now,
    );
    return { flowId, options: request, expiresAt };
  }

  /**
   * Runs a passkey check under the sign-in throttle (its own name key, "passkey:<address>", or
   * "passkey:" for a password-less attempt whose account is not known yet), like TwoFactor's: a
   * block answers AUTH_THROTTLED before anything is verified; every failure is the same AUTH_FAILED.
   */
  async #throttled<T>(account: Account | undefined, ip: string, now: number, check: () => Promise<T>): Promise<T> {
    const username = `passkey:${account?.address ?? ''}`;
    let known: boolean | undefined;
    const isKnownIp = async (): Promise<boolean> => {
      if (!account) return false;
      known ??= await this.deps.store.loginRecords.hasFromIp({ accountId: account.id, ip, result: 'success', since: now - KNOWN_IP_WINDOW_MS });
      return known;
    };
    const blocked = (await this.deps.throttle.check({ username, ip, now, isKnownIp })).blocked;
    if (blocked) {
      throw new MailwardError('AUTH_THROTTLED', { details: { retryAfterSeconds: Math.max(1, Math.ceil((blocked.retryAt - now) / 1000)) } });
    }
    try {
      const result = await check();
      await this.deps.throttle.recordSuccess({ username, ip });
      return result;
    } catch (error) {
      if (!(error instanceof MailwardError) || error.code !== 'AUTH_FAILED') throw error;
      const limits = await throttleLimits(this.deps.policies, account ? { domain: normalizeAddress(account.address).domain } : {});
      // Without an account the account-wide count would be one counter for every password-less
      // attempt on the server: anyone could block password-less sign-in for everybody.
      await this.deps.throttle.recordFailure({ username, ip, now, limits, countAccount: account !== undefined && !(await isKnownIp()) });
      throw error;
    }
  }

  /**
   * Verifies a sign-in (WebAuthn §7.2) and records it: the flow's challenge is used up, the
   * credential must be registered (to the expected account, when there is one), a password-less
   * one must present the user handle it was made for, and a counting authenticator must report a
   * higher counter than last time — a lower or equal one means a copy of the key exists somewhere.
   * The caller still applies the account's own rules (status, sessions) as for any sign-in.
   */
  async verifyAuthentication(options: {
    flowId: string;
    response: AuthenticationResponseJSON;
    ip: string;
    expectedAccountId?: number;
  }): Promise<PasskeySignIn> {
    const now = this.deps.now();
    const ip = canonicalIp(options.ip);
    const flow = await this.#flows.take(options.flowId, 'authentication', now);
    // A flow started for an account stays bound to it, even when the caller does not name one.
    const expectedId = options.expectedAccountId ?? flow?.accountId;
    const account = expectedId === undefined ? undefined : await accountRecords(this.deps.store).findById(expectedId);
    const signIn = await this.#throttled(account, ip, now, async (): Promise<PasskeySignIn> => {
      if (!flow) throw refused('flow');
      if (flow.accountId !== undefined && flow.accountId !== expectedId) throw refused('flow');
      if (expectedId !== undefined && !account) throw refused('account');
      const response = options.response;
      const credentialId: unknown = response?.id;
      if (typeof credentialId !== 'string' || credentialId === '') throw refused('credential_unknown');
      const row = await this.deps.store.passkeys.findByCredentialId(credentialId);
      if (!row) throw refused('credential_unknown');
      if (expectedId !== undefined && row.account_id !== expectedId) throw refused('credential_other_account');
      const userHandle: unknown = response.response?.userHandle;
      const handleGiven = typeof userHandle === 'string' && userHandle !== '';
      // §7.2 step 6: with no account named beforehand, the user handle names it and must match.
      if ((expectedId === undefined && !handleGiven) || (handleGiven && userHandle !== row.user_handle)) throw refused('user_handle');
      let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verification = await (await webauthn()).verifyAuthenticationResponse({
          response,
          expectedChallenge: flow.challenge,
          expectedOrigin: this.deps.origins,
          expectedRPID: this.deps.rpID,
          // The counter rule is applied below, in the store, in one conditional update (see recordUse).
          credential: { id: row.credential_id, publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')), counter: 0 },
          requireUserVerification: flow.userVerification === 'required',
        });
      } catch (error) {
        throw refused('assertion', error);
      }
      if (!verification.verified) throw refused('assertion');
      const info = verification.authenticationInfo;
      if (!(await this.deps.store.passkeys.recordUse(row.id, { counter: info.newCounter, backedUp: info.credentialBackedUp, now }))) {
        throw refused('counter');
      }
      return { accountId: row.account_id, passkeyId: row.id, userVerified: info.userVerified };
    });
    // After a verified passkey the client may learn why it cannot go on (docs/architecture.md, core contracts).
    const owner = account ?? (await accountRecords(this.deps.store).findById(signIn.accountId));
    if (!owner) throw refused('account');
    if (owner.status !== 'active') throw new MailwardError('ACCOUNT_DISABLED');
    return signIn;
  }

  /** Renames one of the account's passkeys (no password: a name changes nothing about access). */
  async rename(options: { account: Account; id: number; name: string; by: Actor }): Promise<PasskeyView> {
    const { account, by } = options;
    const name = passkeyName(options.name);
    const rows = await this.deps.store.passkeys.listForAccount(account.id);
    const row = rows.find((r) => r.id === options.id);
    if (!row) throw new MailwardError('NOT_FOUND', { message: `passkey ${options.id} does not exist for ${account.address}` });
    if (rows.some((r) => r.id !== row.id && sameName(r.name, name))) throw new MailwardError('EXISTS', { message: `passkey: the name "${name}" is taken` });
    if (!(await this.deps.store.passkeys.rename(account.id, row.id, name))) {
      throw new MailwardError('NOT_FOUND', { message: `passkey ${options.id} does not exist for ${account.address}` });
    }
    await this.deps.audit.append({ actor: by.actor, action: 'passkey.renamed', account, ip: by.ip, details: { id: row.id, from: row.name, to: name } });
    return presentPasskey({ ...row, name });
  }

  /**
   * Deletes one of the account's passkeys. The password is asked again, as for adding one: a stolen
   * session must not be able to take the owner's passkey away (and with it, perhaps, their way in).
   */
  async delete(options: { account: Account; id: number; password: string; by: Actor }): Promise<void> {
    const { account, by } = options;
    await this.deps.accountSecurity.verifyCurrentPassword({ account, password: options.password, ...(by.ip !== undefined ? { ip: by.ip } : {}) });
    const row = await this.deps.store.passkeys.find(account.id, options.id);
    if (!row || !(await this.deps.store.passkeys.remove(account.id, row.id))) {
      throw new MailwardError('NOT_FOUND', { message: `passkey ${options.id} does not exist for ${account.address}` });
    }
    await this.deps.audit.append({ actor: by.actor, action: 'passkey.removed', account, ip: by.ip, details: { id: row.id, name: row.name } });
  }
}
