// TOTP: RFC 6238 vectors, the ±1 step window against codes made by otpauth itself, the URI and QR code apps scan, and sealing at rest.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP, URI } from 'otpauth';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { isMailwardError } from '../../errors/index.js';
import { ServerKey } from '../../kernel/server-key.js';
import {
  TOTP_PERIOD_SECONDS,
  base32Secret,
  generateTotpSecret,
  groupedSecret,
  matchTotp,
  openTotpSecret,
  otpauthURI,
  qrCodeSVG,
  sealTotpSecret,
  totpCode,
  totpStep,
} from './totp.js';

/** RFC 6238 appendix B: the SHA-1 seed is the ASCII of "12345678901234567890". */
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

/** A code as an authenticator app computes it: otpauth on its own, from the base32 text the user scanned. */
function appCode(base32: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
/** 14 Nov 2023, 10 s into a step, so ±1 step is never ambiguous with the edge of one. */
const NOW = 56_666_666 * STEP_MS + 10_000;

describe('TOTP codes', () => {
  it('matches the RFC 6238 SHA-1 test vectors (8 digits)', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(totpCode({ secret: RFC_SECRET, now: seconds * 1000, digits: 8 })).toBe(code);
      expect(matchTotp({ secret: RFC_SECRET, code, now: seconds * 1000, digits: 8 })).toBe(Math.floor(seconds / 30));
    }
  });

  it('accepts the code of this step and of one step either side, and says which step it was', () => {
    const secret = generateTotpSecret();
    const base32 = base32Secret(secret);
    const step = totpStep(NOW);
    for (const offset of [-1, 0, 1]) {
      expect(matchTotp({ secret, code: appCode(base32, NOW + offset * STEP_MS), now: NOW })).toBe(step + offset);
    }
  });

  it('refuses codes two steps away (too old, or from a clock too far ahead)', () => {
    const secret = generateTotpSecret();
    const base32 = base32Secret(secret);
    for (const offset of [-3, -2, 2, 3]) {
      const code = appCode(base32, NOW + offset * STEP_MS);
      // Distinct from the accepted ones, else the test would prove nothing.
      const accepted = [-1, 0, 1].map((o) => appCode(base32, NOW + o * STEP_MS));
      if (accepted.includes(code)) continue;
      expect(matchTotp({ secret, code, now: NOW })).toBeUndefined();
    }
  });

  it('takes codes typed with a space or hyphen, and refuses anything that is not six digits', () => {
    const secret = generateTotpSecret();
    const code = appCode(base32Secret(secret), NOW);
    expect(matchTotp({ secret, code: `${code.slice(0, 3)} ${code.slice(3)}`, now: NOW })).toBe(totpStep(NOW));
    expect(matchTotp({ secret, code: `${code.slice(0, 3)}-${code.slice(3)}`, now: NOW })).toBe(totpStep(NOW));
    expect(matchTotp({ secret, code: code.slice(0, 5), now: NOW })).toBeUndefined();
    expect(matchTotp({ secret, code: `${code}0`, now: NOW })).toBeUndefined();
    expect(matchTotp({ secret, code: 'abcdef', now: NOW })).toBeUndefined();
    expect(matchTotp({ secret, code: '', now: NOW })).toBeUndefined();
  });

  it('does not accept a code made from another secret', () => {
    const secret = generateTotpSecret();
    const other = generateTotpSecret();
    const code = appCode(base32Secret(other), NOW);
    const own = [-1, 0, 1].map((o) => appCode(base32Secret(secret), NOW + o * STEP_MS));
    if (!own.includes(code)) expect(matchTotp({ secret, code, now: NOW })).toBeUndefined();
  });
});

describe('TOTP enrolment material', () => {
  it('makes 160-bit secrets, shown as base32 in groups of four', () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    expect(generateTotpSecret().equals(secret)).toBe(false);
    const grouped = groupedSecret(secret);
    expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/);
    expect(Buffer.from(Secret.fromBase32(grouped.replaceAll(' ', '')).bytes).equals(secret)).toBe(true);
  });

  it('writes an otpauth:// URI that an app parses back to the same secret, issuer, label and parameters', () => {
    const secret = generateTotpSecret();
    const uri = otpauthURI({ secret, issuer: 'Mailward', label: 'alice@example.test' });
    expect(uri.startsWith('otpauth://totp/Mailward:alice%40example.test?')).toBe(true);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    const totp = parsed as TOTP;
    expect(totp.issuer).toBe('Mailward');
    expect(totp.label).toBe('alice@example.test');
    expect(totp.algorithm).toBe('SHA1');
    expect(totp.digits).toBe(6);
    expect(totp.period).toBe(30);
    expect(Buffer.from(totp.secret.bytes).equals(secret)).toBe(true);
    expect(matchTotp({ secret, code: totp.generate({ timestamp: NOW }), now: NOW })).toBe(totpStep(NOW));
  });

  it('draws the URI as a self-contained SVG QR code whose dark modules are the QR symbol of that URI', async () => {
    const uri = otpauthURI({ secret: generateTotpSecret(), issuer: 'Mailward', label: 'alice@example.test' });
    const svg = await qrCodeSVG(uri);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/href|https?:\/\/(?!www\.w3\.org)/);
    const symbol = QRCode.create(uri, { errorCorrectionLevel: 'M' }).modules;
    const margin = 2;
    const size = symbol.size + 2 * margin;
    expect(svg).toContain(`viewBox="0 0 ${size} ${size}"`);
    // Read the dark modules back from the path ("M x y h n m dx dy h n …", one horizontal run per segment).
    const path = /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1] ?? /<path[^>]*d="([^"]+)"[^>]*stroke="#000000"/.exec(svg)?.[1];
    expect(path).toBeDefined();
    const dark = new Set<string>();
    let x = 0;
    let y = 0;
    for (const [, command, a, b] of path!.matchAll(/([MmHh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
      if (command === 'M') [x, y] = [Number(a), Number(b)];
      else if (command === 'm') [x, y] = [x + Number(a), y + Number(b)];
      else {
        const run = Number(a);
        for (let i = 0; i < run; i++) dark.add(`${x + i - margin},${Math.floor(y) - margin}`);
        x += run;
      }
    }
    for (let row = 0; row < symbol.size; row++) {
      for (let col = 0; col < symbol.size; col++) {
        expect(dark.has(`${col},${row}`)).toBe(symbol.get(row, col) === 1);
      }
    }
  });
});

describe('TOTP secrets at rest', () => {
  const key = new ServerKey(randomBytes(32));

  it('seals with AES-256-GCM: a fresh IV each time, no trace of the secret, and opens back', () => {
    const secret = generateTotpSecret();
    const a = sealTotpSecret(key, { accountId: 7, secret });
    const b = sealTotpSecret(key, { accountId: 7, secret });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]{27}$/);
    for (const form of [secret.toString('hex'), secret.toString('base64url'), base32Secret(secret)]) expect(a).not.toContain(form);
    expect(openTotpSecret(key, { accountId: 7, sealed: a }).equals(secret)).toBe(true);
    expect(openTotpSecret(key, { accountId: 7, sealed: b }).equals(secret)).toBe(true);
  });

  function openError(options: { key: ServerKey; accountId: number; sealed: string }): unknown {
    try {
      openTotpSecret(options.key, options);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('refuses to open under another server key, for another account, or after tampering', () => {
    const sealed = sealTotpSecret(key, { accountId: 7, secret: generateTotpSecret() });
    expect(isMailwardError(openError({ key: new ServerKey(randomBytes(32)), accountId: 7, sealed }), 'INTERNAL')).toBe(true);
    expect(isMailwardError(openError({ key, accountId: 8, sealed }), 'INTERNAL')).toBe(true);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString('base64url')].join('.');
    expect(isMailwardError(openError({ key, accountId: 7, sealed: tampered }), 'INTERNAL')).toBe(true);
    expect(isMailwardError(openError({ key, accountId: 7, sealed: 'v0.a.b.c' }), 'INTERNAL')).toBe(true);
  });
});
