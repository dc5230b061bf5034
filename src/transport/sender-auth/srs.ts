// Sender Rewriting Scheme for forwarded mail: SRS0/SRS1 envelope senders that pass SPF at the next hop and route bounces back, unforgeable by others.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { ServerKey } from '../../kernel/index.js';

/** How long a rewritten address accepts bounces (libsrs2's default): longer than any retry queue. */
export const SRS_MAX_AGE_DAYS = 21;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DAY_MS = 86_400_000;
/** Two base32 characters count days modulo 1024 (about 2.8 years), as libsrs2 does. */
const TIMESTAMP_MODULUS = 1024;
/**
 * Eight base32 characters (40 bits) of HMAC-SHA-256. Base32 survives MTAs that change the case of
 * local parts without losing strength, unlike libsrs2's base64 checked case-insensitively.
 */
const HASH_CHARS = 8;

export interface SRSForwardOptions {
  /** The 'srs' purpose key of the server key. */
  secret: Buffer;
  /** Our domain, where bounces to the rewritten address come back. */
  domain: string;
  now: number;
}

export interface SRSReverseOptions {
  secret: Buffer;
  now: number;
  maxAgeDays?: number;
}

export type SRSReverseResult =
  | { ok: true; address: string }
  /** not_srs: an ordinary address; malformed: SRS-looking but unparseable; bad_hash: forged or altered; expired: too old (or from the future). */
  | { ok: false; reason: 'not_srs' | 'malformed' | 'bad_hash' | 'expired' };

function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** The fields are lower-cased first, so a bounce whose address some MTA lower-cased still verifies. */
function hash(secret: Buffer, fields: string[]): string {
  const mac = createHmac('sha256', secret).update(fields.map((f) => f.toLowerCase()).join('\0')).digest();
  return base32(mac, HASH_CHARS);
}

function sameHash(given: string, expected: string): boolean {
  const a = Buffer.from(given.toUpperCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function timestamp(now: number): string {
  const days = Math.floor(now / DAY_MS) % TIMESTAMP_MODULUS;
  return `${BASE32[days >> 5]}${BASE32[days & 31]}`;
}

/** Days since the stamp was made, modulo 1024; null when it is not two base32 characters. */
function ageInDays(stamp: string, now: number): number | null {
  const upper = stamp.toUpperCase();
  if (upper.length !== 2) return null;
  const high = BASE32.indexOf(upper[0]!);
  const low = BASE32.indexOf(upper[1]!);
  if (high < 0 || low < 0) return null;
  const today = Math.floor(now / DAY_MS) % TIMESTAMP_MODULUS;
  return (((today - (high * 32 + low)) % TIMESTAMP_MODULUS) + TIMESTAMP_MODULUS) % TIMESTAMP_MODULUS;
}

function splitAddress(address: string): { local: string; host: string } {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const host = address.slice(at + 1);
  if (at <= 0 || host === '' || local.startsWith('"') || /[\s<>]/.test(address)) {
    throw new MailwardError('INVALID_ADDRESS', { message: 'SRS: the sender is not a plain local@domain address' });
  }
  return { local, host };
}

/** Splits `text` at its first `count` "=" signs; null when there are fewer or a piece is empty. */
function splitFields(text: string, count: number): string[] | null {
  const fields: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf('=');
    if (at <= 0) return null;
    fields.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  if (rest === '') return null;
  fields.push(rest);
  return fields;
}

const SRS0 = /^SRS0[=+-]/i;
const SRS1 = /^SRS1[=+-]/i;

/**
 * The envelope sender to use when forwarding mail from `sender`:
 * - alice@example.org → SRS0=HHHHHHHH=TT=example.org=alice@forward.domain
 * - an SRS0 address of another forwarder → SRS1=HHHHHHHH=their.host==HHH=TT=…@forward.domain
 *   (bounces go straight back to that forwarder, which checks its own hash)
 * - an SRS1 address → a new SRS1 that keeps the first forwarder and its part.
 * The null sender ('') of a bounce stays '' (RFC 5321 §4.5.5: never bounce a bounce).
 */
export function srsForward(sender: string, options: SRSForwardOptions): string {
  if (sender === '') return '';
  const { local, host } = splitAddress(sender);
  const domain = options.domain.toLowerCase();
  if (SRS1.test(local)) {
    const fields = splitFields(local.slice(5), 2);
    if (fields) {
      const [, firstHost, opaque] = fields as [string, string, string];
      return `SRS1=${hash(options.secret, ['SRS1', firstHost, opaque])}=${firstHost}=${opaque}@${domain}`;
    }
  }
  if (SRS0.test(local)) {
    const opaque = local.slice(4);
    return `SRS1=${hash(options.secret, ['SRS1', host, opaque])}=${host}=${opaque}@${domain}`;
  }
  const stamp = timestamp(options.now);
  return `SRS0=${hash(options.secret, ['SRS0', stamp, host, local])}=${stamp}=${host}=${local}@${domain}`;
}

/**
 * The address a bounce to a rewritten sender must go to. Refuses what we did not make (bad_hash)
 * and SRS0 addresses older than `maxAgeDays` (expired): otherwise anyone could use our domain as
 * an open relay for bounces ("backscatter") by writing SRS addresses themselves.
 */
export function srsReverse(address: string, options: SRSReverseOptions): SRSReverseResult {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  if (SRS0.test(local)) {
    const fields = splitFields(local.slice(5), 3);
    if (!fields) return { ok: false, reason: 'malformed' };
    const [given, stamp, host, original] = fields as [string, string, string, string];
    const age = ageInDays(stamp, options.now);
    if (age === null) return { ok: false, reason: 'malformed' };
    if (!sameHash(given, hash(options.secret, ['SRS0', stamp, host, original]))) return { ok: false, reason: 'bad_hash' };
    if (age > (options.maxAgeDays ?? SRS_MAX_AGE_DAYS)) return { ok: false, reason: 'expired' };
    return { ok: true, address: `${original}@${host}` };
  }
  if (SRS1.test(local)) {
    const fields = splitFields(local.slice(5), 2);
    if (!fields || !/^[=+-]/.test(fields[2]!)) return { ok: false, reason: 'malformed' };
    const [given, firstHost, opaque] = fields as [string, string, string];
    if (!sameHash(given, hash(options.secret, ['SRS1', firstHost, opaque]))) return { ok: false, reason: 'bad_hash' };
    return { ok: true, address: `SRS0${opaque}@${firstHost}` };
  }
  return { ok: false, reason: 'not_srs' };
}

/** SRS bound to the server key's 'srs' purpose key and our forwarding domain. */
export class SRS {
  readonly #secret: Buffer;

  constructor(private readonly options: { key: ServerKey; domain: string; maxAgeDays?: number }) {
    this.#secret = options.key.key('srs');
  }

  forward(sender: string, now: number): string {
    return srsForward(sender, { secret: this.#secret, domain: this.options.domain, now });
  }

  reverse(address: string, now: number): SRSReverseResult {
    return srsReverse(address, { secret: this.#secret, now, ...(this.options.maxAgeDays !== undefined ? { maxAgeDays: this.options.maxAgeDays } : {}) });
  }
}
