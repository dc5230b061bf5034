// Backup codes: ten codes of twelve symbols from a 32-symbol alphabet without look-alikes, typed loosely, stored as keyed hashes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_CODE_ALPHABET,
  BACKUP_CODE_COUNT,
  BACKUP_CODE_LENGTH,
  backupCodesText,
  formatBackupCode,
  generateBackupCodes,
  hashBackupCode,
  looksLikeBackupCode,
  normalizeBackupCode,
} from './backup-codes.js';
import { ServerKey } from '../../kernel/server-key.js';

describe('backup code alphabet', () => {
  it('has 32 distinct symbols: digits and capitals without 0, 1, I and O', () => {
    expect(BACKUP_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(32);
    expect(BACKUP_CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
    for (const lookAlike of ['0', 'O', '1', 'I']) expect(BACKUP_CODE_ALPHABET).not.toContain(lookAlike);
  });
});

describe('backup code generation', () => {
  it('issues 10 distinct codes of 12 symbols from the alphabet, printed in three groups of four', () => {
    const codes = generateBackupCodes();
    expect(codes).toHaveLength(BACKUP_CODE_COUNT);
    expect(BACKUP_CODE_COUNT).toBe(10);
    expect(new Set(codes).size).toBe(10);
    const symbol = `[${BACKUP_CODE_ALPHABET}]`;
    for (const code of codes) {
      expect(code).toMatch(new RegExp(`^${symbol}{4}-${symbol}{4}-${symbol}{4}$`));
      expect(normalizeBackupCode(code)).toHaveLength(BACKUP_CODE_LENGTH);
      expect(BACKUP_CODE_LENGTH).toBe(12);
    }
  });

  it('draws every symbol of the alphabet, about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      for (const code of generateBackupCodes()) for (const c of normalizeBackupCode(code)) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    // 24,000 symbols, 750 expected each; a biased draw (e.g. modulo of a byte) would leave some far off.
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 750)).toBeLessThan(150);
  });
});

describe('backup code text', () => {
  it('ignores case, spaces and hyphens when a code is typed', () => {
    expect(normalizeBackupCode(' abcd-efgh jkmn ')).toBe('ABCDEFGHJKMN');
    expect(formatBackupCode('abcdefghjkmn')).toBe('ABCD-EFGH-JKMN');
    expect(looksLikeBackupCode('abcd efgh jkmn')).toBe(true);
    expect(looksLikeBackupCode('ABCDEFGHJKMN')).toBe(true);
  });

  it('refuses text of the wrong length or with symbols outside the alphabet', () => {
    expect(looksLikeBackupCode('ABCD-EFGH-JKM')).toBe(false);
    expect(looksLikeBackupCode('ABCD-EFGH-JKMNP')).toBe(false);
    expect(looksLikeBackupCode('ABCD-EFGH-JK0N')).toBe(false);
    expect(looksLikeBackupCode('ABCD-EFGH-JKIN')).toBe(false);
    expect(looksLikeBackupCode('123456')).toBe(false);
  });

  it('writes the download file with every code and how to keep them', () => {
    const codes = generateBackupCodes();
    const text = backupCodesText({ address: 'alice@example.test', issuer: 'Mailward', codes, createdAt: Date.UTC(2023, 10, 14, 22, 13, 20) });
    expect(text.startsWith('Mailward backup codes for alice@example.test\nCreated 2023-11-14T22:13:20Z\n')).toBe(true);
    for (const [i, code] of codes.entries()) expect(text).toContain(`${String(i + 1).padStart(2, ' ')}. ${code}\n`);
    expect(text).toContain('never share them');
  });
});

describe('backup code hashes', () => {
  const key = new ServerKey(randomBytes(32));

  it('are keyed HMAC-SHA-256 of the normalised code, bound to the account and the server key', () => {
    const [code] = generateBackupCodes(1) as [string];
    const hash = hashBackupCode(key, { accountId: 1, code });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(normalizeBackupCode(code).toLowerCase());
    expect(hashBackupCode(key, { accountId: 1, code: normalizeBackupCode(code).toLowerCase() })).toBe(hash);
    expect(hashBackupCode(key, { accountId: 2, code })).not.toBe(hash);
    expect(hashBackupCode(new ServerKey(randomBytes(32)), { accountId: 1, code })).not.toBe(hash);
  });
});
