// Signs outgoing mail with the sender domain's active DKIM keys (RFC 6376, relaxed/relaxed), From over-signed.
import { createHash, sign as cryptoSign } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { ServerKey } from '../../kernel/index.js';
import type { Store } from '../../store/index.js';
import { toCRLF } from '../../mailbox/line-endings.js';
import type { DKIMSigningKey } from './dkim-keys.js';
import { DKIMKeys } from './dkim-keys.js';
import type { RawHeaderField } from './header-fields.js';
import { relaxedHeader, splitHeaderFields } from './header-fields.js';

/** The fields signed, every instance present (RFC 6376 §5.4). */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Cc',
  'Subject',
  'Date',
  'Message-ID',
  'Reply-To',
  'MIME-Version',
  'Content-Type',
  'In-Reply-To',
  'References',
] as const;

/**
 * Listed once more than they occur (RFC 6376 §8.15): a From added on the way (the spoofing trick
 * of two From fields, one shown and one checked) then breaks the signature instead of riding on it.
 */
const OVERSIGNED = new Set(['from']);

export interface DKIMSignerDeps {
  keys: Pick<DKIMKeys, 'signingKeys'>;
  now: () => number;
}

/** The h= list: each signed name as often as it occurs, plus one for the over-signed ones. */
function headerList(fields: RawHeaderField[]): string[] {
  const names: string[] = [];
  for (const name of DKIM_SIGNED_HEADERS) {
    const key = name.toLowerCase();
    const count = fields.filter((f) => f.key === key).length + (OVERSIGNED.has(key) ? 1 : 0);
    for (let i = 0; i < count; i++) names.push(name);
  }
  return names;
}

/** RFC 6376 §5.4.2: for each name in h=, the last instance not used yet, bottom-up; a missing one contributes nothing. */
function canonicalSignedHeaders(fields: RawHeaderField[], names: string[]): string {
  const unused = new Map<string, string[]>();
  for (const field of fields) {
    const list = unused.get(field.key) ?? [];
    list.push(field.text);
    unused.set(field.key, list);
  }
  let out = '';
  for (const name of names) {
    const text = unused.get(name.toLowerCase())?.pop();
    if (text !== undefined) out += `${relaxedHeader(text)}\r\n`;
  }
  return out;
}

/**
 * "Name: tag; tag; …" folded to lines of at most 76 characters where possible: before a tag, or
 * inside a tag between its atoms (h= before a ":", as RFC 6376 §3.5 allows FWS there); b= always
 * starts a line of its own.
 */
function foldTags(prefix: string, tags: string[][]): string {
  let text = prefix;
  let lineLength = prefix.length;
  tags.forEach((atoms, i) => {
    atoms.forEach((atom, j) => {
      const piece = j === atoms.length - 1 && i < tags.length - 1 ? `${atom};` : atom;
      const separator = j === 0 ? ' ' : '';
      const mustBreak = j === 0 && i > 0 && atom === 'b=';
      if (mustBreak || ((i > 0 || j > 0) && lineLength + separator.length + piece.length > 76)) {
        text += `\r\n ${piece}`;
        lineLength = 1 + piece.length;
      } else {
        text += separator + piece;
        lineLength += separator.length + piece.length;
      }
    });
  });
  return text;
}

/**
 * The body hash (bh=), from mailauth's signer: it owns the fiddly body canonicalization rules. Its
 * header part cannot be used as is, because it lists in h= only the fields present and so cannot
 * over-sign; the header hash and signature are made here instead.
 */
async function bodyHash(message: Buffer, key: DKIMSigningKey, now: number): Promise<string> {
  // mailauth reads the keys from signatureData; the top-level copy only satisfies its typings.
  const signature = { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) };
  const { dkimSign } = await import('mailauth');
  const result = await dkimSign(message, {
    ...signature,
    canonicalization: 'relaxed/relaxed',
    algorithm: key.algorithm,
    signTime: new Date(now),
    signatureData: [signature],
  });
  const bh = /\bbh=([^;]+)/.exec(result.signatures.replace(/\r\n[ \t]/g, ' '))?.[1]?.replace(/\s+/g, '');
  if (result.errors.length > 0 || !bh) {
    const reason = (result.errors[0] as { err?: Error } | undefined)?.err?.message ?? 'no body hash';
    throw new MailwardError('INTERNAL', { message: `DKIM signing for ${key.domain} failed: ${reason}` });
  }
  return bh;
}

function signData(data: Buffer, key: DKIMSigningKey): string {
  // RFC 8463 §3: Ed25519 signs the SHA-256 digest of the canonicalized data; RSA hashes it itself.
  const signature =
    key.algorithm === 'ed25519-sha256'
      ? cryptoSign(null, createHash('sha256').update(data).digest(), key.privateKey)
      : cryptoSign('sha256', data, key.privateKey);
  return signature.toString('base64');
}

export class DKIMSigner {
  constructor(private readonly deps: DKIMSignerDeps) {}

  /**
   * The message with one DKIM-Signature per active key of `domain` prepended (line endings made
   * CRLF first, as they will be on the wire); unchanged when the domain has no key.
   */
  async sign(raw: Buffer, options: { domain: string }): Promise<Buffer> {
    const keys = await this.deps.keys.signingKeys(options.domain);
    if (keys.length === 0) return raw;
    const message = toCRLF(raw);
    const { fields } = splitHeaderFields(message);
    const names = headerList(fields);
    const signedHeaders = canonicalSignedHeaders(fields, names);
    const now = this.deps.now();
    // Same canonicalization and hash for every key (Ed25519 too signs a SHA-256 body hash).
    const bh = await bodyHash(message, keys[0]!, now);
    const headers: string[] = [];
    for (const key of keys) {
      const unsigned = foldTags('DKIM-Signature:', [
        ['v=1'],
        [`a=${key.algorithm}`],
        ['c=relaxed/relaxed'],
        [`d=${key.domain}`],
        [`s=${key.selector}`],
        [`t=${Math.floor(now / 1000)}`],
        names.map((name, i) => (i === 0 ? `h=${name}` : `:${name}`)),
        [`bh=${bh}`],
        ['b='],
      ]);
      // The signature header itself is hashed last, with an empty b= and no line break (RFC 6376 §3.7).
      const data = Buffer.from(signedHeaders + relaxedHeader(unsigned), 'latin1');
      const b = signData(data, key).match(/.{1,72}/g) ?? [];
      headers.push(`${unsigned}${b.join('\r\n ')}\r\n`);
    }
    return Buffer.concat([Buffer.from(headers.join(''), 'latin1'), message]);
  }
}

/** A signer over the store's keys, decrypted with the server key. */
export function createDKIMSigner(deps: { store: Store; key: ServerKey; now: () => number }): DKIMSigner {
  return new DKIMSigner({ keys: new DKIMKeys(deps), now: deps.now });
}
