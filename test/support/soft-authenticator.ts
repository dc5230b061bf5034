// A WebAuthn authenticator and client in software (ES256, "none" attestation), to drive the passkey rules without a browser.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

type CBOR = number | string | Uint8Array | Map<CBOR, CBOR>;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** RFC 8949 encoding of the few types attestation objects and COSE keys use (maps in the order given). */
export function encodeCBOR(value: CBOR): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [encodeCBOR(k), encodeCBOR(v)])]);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftAuthenticatorOptions {
  /** The page origin the client reports in clientDataJSON. */
  origin: string;
  /** Whether it verifies the user (PIN, biometrics) or only tests presence. */
  userVerified?: boolean;
  /** False for authenticators that keep no signature counter (always 0, as most synced passkeys). */
  counting?: boolean;
  /** A synced (multi-device) credential that is backed up. */
  backedUp?: boolean;
}

/** One credential on one authenticator; `clone()` copies key and counter, as an attacker copying a key would. */
export class SoftAuthenticator {
  readonly credentialId: Buffer;
  counter = 0;
  /** The user.id of the registration, base64url (what a discoverable assertion returns). */
  userHandle: string | undefined;
  readonly #privateKey: KeyObject;
  readonly #publicKeyCOSE: Buffer;
  readonly #options: Required<SoftAuthenticatorOptions>;

  constructor(options: SoftAuthenticatorOptions, copy?: { credentialId: Buffer; privateKey: KeyObject; publicKeyCOSE: Buffer }) {
    this.#options = { userVerified: true, counting: true, backedUp: false, ...options };
    if (copy) {
      this.credentialId = copy.credentialId;
      this.#privateKey = copy.privateKey;
      this.#publicKeyCOSE = copy.publicKeyCOSE;
      return;
    }
    this.credentialId = randomBytes(16);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    // RFC 9053 §7.1.1: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
    this.#publicKeyCOSE = encodeCBOR(
      new Map<CBOR, CBOR>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  /** The COSE public key, as the server must store it. */
  get publicKeyCOSE(): Buffer {
    return this.#publicKeyCOSE;
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  clone(): SoftAuthenticator {
    const copy = new SoftAuthenticator(this.#options, { credentialId: this.credentialId, privateKey: this.#privateKey, publicKeyCOSE: this.#publicKeyCOSE });
    copy.counter = this.counter;
    copy.userHandle = this.userHandle;
    return copy;
  }

  #flags(extra: number): number {
    const { userVerified, backedUp } = this.#options;
    return FLAG_UP | (userVerified ? FLAG_UV : 0) | (backedUp ? FLAG_BE | FLAG_BS : 0) | extra;
  }

  #clientData(type: string, challenge: string, origin?: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: origin ?? this.#options.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() with this authenticator (excludeCredentials is the caller's business). */
  create(options: PublicKeyCredentialCreationOptionsJSON, overrides: { origin?: string } = {}): RegistrationResponseJSON {
    this.userHandle = options.user.id;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      createHash('sha256').update(options.rp.id ?? '').digest(),
      Buffer.from([this.#flags(FLAG_AT)]),
      counter,
      Buffer.alloc(16), // AAGUID: zeros with "none" attestation
      idLength,
      this.credentialId,
      this.#publicKeyCOSE,
    ]);
    const attestationObject = encodeCBOR(
      new Map<CBOR, CBOR>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: this.#clientData('webauthn.create', options.challenge, overrides.origin).toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): signs the challenge; a counting authenticator adds one to its counter first. */
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: { origin?: string; userHandle?: string | null; rpID?: string } = {},
  ): AuthenticationResponseJSON {
    if (this.#options.counting) this.counter++;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const authData = Buffer.concat([createHash('sha256').update(overrides.rpID ?? options.rpId ?? '').digest(), Buffer.from([this.#flags(0)]), counter]);
    const clientData = this.#clientData('webauthn.get', options.challenge, overrides.origin);
    // WebAuthn §6.3.3: the signature covers authenticatorData || SHA-256(clientDataJSON); ES256 in DER.
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientData).digest()]), this.#privateKey);
    const userHandle = overrides.userHandle === undefined ? this.userHandle : overrides.userHandle;
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        ...(userHandle ? { userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
