// Hashes and verifies secrets with argon2id behind a small interface, so callers never touch argon2 options.
import { randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm, Options, Version } from '@node-rs/argon2';
import { MailwardError } from '../errors/index.js';

export interface PasswordHasher {
  /** Returns a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh random salt. */
  hash(secret: string): Promise<string>;
  /** Constant-time comparison inside argon2; false (never a throw) on a malformed hash. */
  verify(hash: string, secret: string): Promise<boolean>;
  /** True when the hash's algorithm, version or parameters differ from the current ones. */
  needsRehash(hash: string): boolean;
  /** Runs a verification against a fixed dummy hash and returns false: used so unknown users cost the same time as known ones. */
  verifyDummy(secret: string): Promise<false>;
}

/** Argon2 cost parameters; `memoryCost` is in KiB. */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet's argon2id floor (19 MiB, 2 passes, 1 lane): about as costly
 * for an attacker as its stronger variants, while keeping one login near 20–40 ms of one thread.
 */
export const OWASP_ARGON2ID: Argon2Params = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/**
 * Longest secret accepted, in UTF-8 bytes. Argon2 pre-hashes the password, so its cost hardly
 * grows with length, but each attempt still copies, encodes and hashes whatever it is given;
 * a cap bounds that work and memory per attempt (DoS) far above any real password or passphrase.
 */
const MAX_SECRET_BYTES = 1024;

/** argon2's default and the length the parser below insists on: 32 bytes, 43 unpadded base64 chars. */
const OUTPUT_BYTES = 32;

// `Algorithm` and `Version` are `declare const enum`s whose runtime objects are empty, so a value
// import reads `undefined` under per-file transpilers (vitest/esbuild) and argon2 would silently
// fall back to its defaults. The literals are the enums' declared values; the types keep them honest.
const ARGON2ID = 2 as Algorithm.Argon2id;
const VERSION_0X13 = 1 as Version.V0x13;

/** A PHC string as @node-rs/argon2 writes it: algorithm, version, m/t/p, salt, hash (RFC 4648 base64, unpadded). */
const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Creates an argon2id hasher; `params` defaults to OWASP_ARGON2ID. */
export function createArgon2Hasher(options: { params?: Argon2Params } = {}): PasswordHasher {
  const params = checkParams(options.params ?? OWASP_ARGON2ID);
  const hashOptions: Options = {
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    outputLen: OUTPUT_BYTES,
  };
  // Created on first use, with the same parameters as real hashes so that verifying against it
  // costs what a real verification costs. The very first dummy verification also pays for this
  // one hash; every later one is indistinguishable in cost from a real one.
  let dummyHash: Promise<string> | undefined;

  function getDummyHash(): Promise<string> {
    dummyHash ??= argon2Hash(randomBytes(32).toString('base64url'), hashOptions).catch((error: unknown) => {
      dummyHash = undefined; // let a later call retry instead of caching a failure forever
      throw error;
    });
    return dummyHash;
  }

  return {
    async hash(secret: string): Promise<string> {
      if (isTooBig(secret)) {
        throw new MailwardError('TOO_BIG', { message: `password longer than ${MAX_SECRET_BYTES} bytes` });
      }
      // Runs on libuv's thread pool, off the event loop; callers throttle before calling (docs/architecture.md).
      return argon2Hash(secret, hashOptions);
    },

    async verify(hash: string, secret: string): Promise<boolean> {
      // Refused without hashing: the time saved reveals only the length the caller chose itself,
      // never anything about the stored hash, and verifyDummy answers the same way, so an
      // oversized secret cannot tell a known account from an unknown one either.
      if (isTooBig(secret)) return false;
      try {
        return await argon2Verify(hash, secret);
      } catch {
        // A malformed or truncated stored hash must deny, not crash the login path.
        return false;
      }
    },

    needsRehash(hash: string): boolean {
      const parsed = PHC.exec(hash);
      if (parsed === null) return true;
      const [, algorithm, version, m, t, p, , digest] = parsed;
      return (
        algorithm !== 'argon2id' ||
        version !== '19' ||
        Number(m) !== params.memoryCost ||
        Number(t) !== params.timeCost ||
        Number(p) !== params.parallelism ||
        Buffer.from(digest ?? '', 'base64').length !== OUTPUT_BYTES
      );
    },

    async verifyDummy(secret: string): Promise<false> {
      // Same early refusal as verify, so both paths cost the same for oversized secrets.
      if (isTooBig(secret)) return false;
      try {
        await argon2Verify(await getDummyHash(), secret);
      } catch {
        // The answer is false whatever happens; only the time spent matters here.
      }
      return false;
    },
  };
}

function isTooBig(secret: string): boolean {
  // Every UTF-16 unit is at least one UTF-8 byte, so a long string is refused before encoding it.
  return secret.length > MAX_SECRET_BYTES || Buffer.byteLength(secret, 'utf8') > MAX_SECRET_BYTES;
}

function checkParams(params: Argon2Params): Argon2Params {
  const { memoryCost, timeCost, parallelism } = params;
  const whole = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max;
  // Bounds from the argon2 spec (RFC 9106 §3.1): p in 1..2^24-1 (the binding allows 255), m ≥ 8·p KiB.
  if (!whole(parallelism, 1, 255) || !whole(timeCost, 1, 2 ** 32 - 1) || !whole(memoryCost, 8 * parallelism, 2 ** 32 - 1)) {
    throw new MailwardError('INVALID_INPUT', {
      message: `invalid argon2 parameters m=${memoryCost},t=${timeCost},p=${parallelism}`,
    });
  }
  return Object.freeze({ memoryCost, timeCost, parallelism });
}
