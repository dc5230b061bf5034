// Per-domain DKIM keys: generated here, stored encrypted under the server key, rotated, and published as DNS TXT records.
import type { KeyObject } from 'node:crypto';
import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPair, randomBytes } from 'node:crypto';
import { normalizeDomain } from '../../lib/index.js';
import { MailwardError } from '../../errors/index.js';
import type { ServerKey } from '../../kernel/index.js';
import type { DKIMKeyRow, Store } from '../../store/index.js';

export const DKIM_ALGORITHMS = ['rsa-sha256', 'ed25519-sha256'] as const;
export type DKIMAlgorithm = (typeof DKIM_ALGORITHMS)[number];

/** RSA below 2048 bits is refused by many receivers (RFC 8301 §3.2 sets 1024 as the floor, Gmail wants 2048). */
const RSA_BITS = 2048;
/** One TXT character-string holds at most 255 octets (RFC 1035 §3.3.14); longer values are split. */
const TXT_STRING_MAX = 255;
/** Decrypted keys kept per process; rows never change their key material, so entries never go stale. */
const CACHE_MAX = 1000;
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** What may be shown about a key: never the private half. */
export interface DKIMKeyInfo {
  domain: string;
  selector: string;
  algorithm: DKIMAlgorithm;
  /** The p= value of the DNS record (base64). */
  publicKey: string;
  active: boolean;
  createdAt: number;
  retiredAt: number | null;
}

export interface DKIMSigningKey {
  domain: string;
  selector: string;
  algorithm: DKIMAlgorithm;
  privateKey: KeyObject;
}

export interface DKIMDNSRecord {
  /** "<selector>._domainkey.<domain>" */
  name: string;
  type: 'TXT';
  /** The whole record text, "v=DKIM1; k=rsa; p=…". */
  value: string;
  /** `value` cut into character-strings of at most 255 octets, as DNS needs. */
  strings: string[];
  /** One zone-file line: `<name> IN TXT "…" "…"`. */
  zoneLine: string;
}

export interface DKIMEnsureResult {
  key: DKIMKeyInfo;
  /** False when the active key already existed and is returned unchanged. */
  created: boolean;
  /** The key this call took out of use (rotation), if any. */
  retired: DKIMKeyInfo | null;
}

export function dkimDNSRecord(key: Pick<DKIMKeyInfo, 'domain' | 'selector' | 'algorithm' | 'publicKey'>): DKIMDNSRecord {
  const name = `${key.selector}._domainkey.${key.domain}`;
  const value = `v=DKIM1; k=${key.algorithm === 'ed25519-sha256' ? 'ed25519' : 'rsa'}; p=${key.publicKey}`;
  const strings: string[] = [];
  for (let i = 0; i < value.length; i += TXT_STRING_MAX) strings.push(value.slice(i, i + TXT_STRING_MAX));
  return { name, type: 'TXT', value, strings, zoneLine: `${name} IN TXT ${strings.map((s) => `"${s}"`).join(' ')}` };
}

function isAlgorithm(value: string): value is DKIMAlgorithm {
  return (DKIM_ALGORITHMS as readonly string[]).includes(value);
}

function toInfo(row: DKIMKeyRow, domain: string): DKIMKeyInfo {
  return {
    domain,
    selector: row.selector,
    algorithm: isAlgorithm(row.algorithm) ? row.algorithm : 'rsa-sha256',
    publicKey: row.public_key,
    active: row.active === 1,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}

/** Lower-case DNS labels (letters, digits, inner hyphens), dot-separated; INVALID_INPUT otherwise. */
export function normalizeSelector(input: string): string {
  const selector = input.trim().toLowerCase();
  if (selector.length > 100 || !SELECTOR.test(selector)) {
    throw new MailwardError('INVALID_INPUT', { message: `DKIM selector "${selector.slice(0, 100).replace(/[^\x20-\x7e]/g, '?')}" is not a valid DNS label` });
  }
  return selector;
}

function generate(algorithm: DKIMAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => {
      if (error) reject(error);
      else resolve({ publicKey, privateKey });
    };
    if (algorithm === 'rsa-sha256') generateKeyPair('rsa', { modulusLength: RSA_BITS }, done);
    else generateKeyPair('ed25519', {}, done);
  });
}

/** The p= value: base64 SPKI for RSA (RFC 6376 §3.6.1), the bare 32-byte key for Ed25519 (RFC 8463 §4.2). */
function publicKeyText(publicKey: KeyObject, algorithm: DKIMAlgorithm): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return (algorithm === 'ed25519-sha256' ? spki.subarray(spki.length - 32) : spki).toString('base64');
}

/** Binds a ciphertext to its row: one copied into another domain's row fails to decrypt instead of signing for it. */
function associatedData(domain: string, selector: string, algorithm: string): Buffer {
  return Buffer.from(`mailward dkim v1 ${domain} ${selector} ${algorithm}`);
}

export class DKIMKeys {
  readonly #cache = new Map<number, KeyObject>();

  constructor(private readonly deps: { store: Store; key: ServerKey; now: () => number }) {}

  /**
   * Returns the domain's active key of `algorithm`, creating one when there is none. With
   * `rotate`, always creates a new key under a new selector and retires the active one in the
   * same transaction. Signing switches at once: the new record must be published first or
   * receivers see dkim=fail until it is; keep the old record a few days for mail still in transit.
   */
  async ensure(domainName: string, options: { selector?: string; rotate?: boolean; algorithm?: DKIMAlgorithm } = {}): Promise<DKIMEnsureResult> {
    const { store, now } = this.deps;
    const name = normalizeDomain(domainName);
    const domain = await store.domains.findByName(name);
    if (!domain) throw new MailwardError('NOT_FOUND', { message: `domain ${name} does not exist` });
    const algorithm = options.algorithm ?? 'rsa-sha256';
    const wanted = options.selector === undefined ? undefined : normalizeSelector(options.selector);
    const active = await store.dkim.findActive(domain.id, algorithm);
    if (active && !options.rotate) {
      if (wanted !== undefined && wanted !== active.selector) {
        throw new MailwardError('EXISTS', { message: `domain ${name} already has the active DKIM key ${active.selector}; rotate to replace it` });
      }
      return { key: toInfo(active, name), created: false, retired: null };
    }
    const taken = new Set((await store.dkim.listForDomain(domain.id)).map((k) => k.selector));
    if (wanted !== undefined && taken.has(wanted)) {
      throw new MailwardError('EXISTS', { message: `DKIM selector ${wanted} was already used for ${name}; choose a new one` });
    }
    const selector = wanted ?? defaultSelector(now(), algorithm, taken);
    const pair = await generate(algorithm);
    let raced = false;
    const sealed = this.#seal(pair.privateKey.export({ type: 'pkcs8', format: 'der' }), associatedData(name, selector, algorithm));
    const created = await store
      .transaction(async (tx) => {
        if (active) await tx.dkim.retire(active.id, now());
        return tx.dkim.create({
          domain_id: domain.id,
          selector,
          algorithm,
          public_key: publicKeyText(pair.publicKey, algorithm),
          private_key_iv: sealed.iv,
          private_key_tag: sealed.tag,
          private_key_ciphertext: sealed.ciphertext,
          active: 1,
          created_at: now(),
        });
      })
      .catch(async (error: unknown) => {
        // Another process created the first key at the same moment: use theirs.
        const theirs = !active && !options.rotate ? await store.dkim.findActive(domain.id, algorithm) : undefined;
        if (!theirs) throw error;
        raced = true;
        return theirs;
      });
    const retired = active ? { ...toInfo(active, name), active: false, retiredAt: now() } : null;
    return { key: toInfo(created, name), created: !raced, retired };
  }

  /** Every key of the domain, newest first. */
  async list(domainName: string): Promise<DKIMKeyInfo[]> {
    const name = normalizeDomain(domainName);
    const domain = await this.deps.store.domains.findByName(name);
    if (!domain) throw new MailwardError('NOT_FOUND', { message: `domain ${name} does not exist` });
    return (await this.deps.store.dkim.listForDomain(domain.id)).map((row) => toInfo(row, name));
  }

  /** The decrypted active keys of a domain (none for a domain we do not serve or without keys). */
  async signingKeys(domainName: string): Promise<DKIMSigningKey[]> {
    let name: string;
    try {
      name = normalizeDomain(domainName);
    } catch {
      return [];
    }
    const rows = await this.deps.store.dkim.listActiveByDomainName(name);
    return rows
      .filter((row) => isAlgorithm(row.algorithm))
      .map((row) => ({ domain: name, selector: row.selector, algorithm: row.algorithm as DKIMAlgorithm, privateKey: this.#open(row, name) }));
  }

  #seal(plain: Buffer, aad: Buffer): { iv: string; tag: string; ciphertext: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.deps.key.key('dkim-encryption'), iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  #open(row: DKIMKeyRow, domain: string): KeyObject {
    const hit = this.#cache.get(row.id);
    if (hit) return hit;
    let key: KeyObject;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.deps.key.key('dkim-encryption'), Buffer.from(row.private_key_iv, 'base64'));
      decipher.setAAD(associatedData(domain, row.selector, row.algorithm));
      decipher.setAuthTag(Buffer.from(row.private_key_tag, 'base64'));
      const der = Buffer.concat([decipher.update(Buffer.from(row.private_key_ciphertext, 'base64')), decipher.final()]);
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw new MailwardError('CONFIG_INVALID', {
        message: `DKIM key ${row.selector} of ${domain} cannot be decrypted: the server key (MAILWARD_SECRET_KEY or keys/server.key) is not the one it was made with`,
        cause: error,
      });
    }
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value as number);
    this.#cache.set(row.id, key);
    return key;
  }
}

/** "mw20261123" (RSA) or "mw20261123-ed" (Ed25519), with "-2", "-3" … when a rotation on the same day took it. */
function defaultSelector(now: number, algorithm: DKIMAlgorithm, taken: Set<string>): string {
  const base = `mw${new Date(now).toISOString().slice(0, 10).replace(/-/g, '')}${algorithm === 'ed25519-sha256' ? '-ed' : ''}`;
  let selector = base;
  for (let n = 2; taken.has(selector); n++) selector = `${base}-${n}`;
  return selector;
}
