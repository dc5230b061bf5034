// argon2id hasher: round trips, refusals, rehash detection and dummy-verification timing.
import { performance } from 'node:perf_hooks';
import { hash as argon2Hash } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { MailwardError } from '../errors/index.js';
import { createArgon2Hasher, OWASP_ARGON2ID } from './password-hasher.js';

/** Cheap parameters for tests that are about behaviour, not cost. */
const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const LOWER = { memoryCost: 4096, timeCost: 1, parallelism: 1 };

describe('createArgon2Hasher', () => {
  const fast = createArgon2Hasher({ params: FAST });

  it('writes an argon2id v19 PHC string with the OWASP parameters by default', async () => {
    expect(OWASP_ARGON2ID).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const hasher = createArgon2Hasher();
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('round-trips and refuses a wrong password', async () => {
    const hash = await fast.hash('s3cret pässword 🔑');
    expect(await fast.verify(hash, 's3cret pässword 🔑')).toBe(true);
    expect(await fast.verify(hash, 's3cret pässword')).toBe(false);
    expect(await fast.verify(hash, '')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await fast.hash('same')).not.toBe(await fast.hash('same'));
  });

  it('is case-sensitive', async () => {
    const hash = await fast.hash('PaSsWoRd');
    expect(await fast.verify(hash, 'PaSsWoRd')).toBe(true);
    expect(await fast.verify(hash, 'PASSWORD')).toBe(false);
    expect(await fast.verify(hash, 'password')).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a hash'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuGx5lXy6ZQ4Mt3fH2PjGSpQ6Yb0n5K2'],
    ['bad base64', '$argon2id$v=19$m=1024,t=1,p=1$!!!!$????'],
    ['missing digest', '$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA'],
  ])('answers false, never throws, on a malformed hash (%s)', async (_name, hash) => {
    await expect(fast.verify(hash, 'password')).resolves.toBe(false);
  });

  it('answers false on a truncated hash', async () => {
    const hash = await fast.hash('password');
    await expect(fast.verify(hash.slice(0, -10), 'password')).resolves.toBe(false);
  });

  it('refuses to hash secrets over 1024 bytes and never verifies them', async () => {
    const hash = await fast.hash('x'.repeat(1024));
    expect(await fast.verify(hash, 'x'.repeat(1024))).toBe(true);
    // 342 × "€" is 1026 UTF-8 bytes but only 342 UTF-16 units: the limit counts bytes.
    for (const big of ['x'.repeat(1025), '€'.repeat(342)]) {
      await expect(fast.hash(big)).rejects.toSatisfy((error) => error instanceof MailwardError && error.code === 'TOO_BIG');
      expect(await fast.verify(hash, big)).toBe(false);
      expect(await fast.verifyDummy(big)).toBe(false);
    }
  });

  describe('needsRehash', () => {
    const current = createArgon2Hasher({ params: LOWER });

    it('is false for its own hashes', async () => {
      expect(current.needsRehash(await current.hash('password'))).toBe(false);
    });

    it('is true for a hash made with lower parameters', async () => {
      const older = await createArgon2Hasher({ params: LOWER }).hash('password');
      expect(createArgon2Hasher().needsRehash(older)).toBe(true);
      expect(createArgon2Hasher({ params: { ...LOWER, timeCost: 2 } }).needsRehash(older)).toBe(true);
      expect(createArgon2Hasher({ params: { ...LOWER, parallelism: 2 } }).needsRehash(older)).toBe(true);
    });

    it('is true for argon2i and argon2d hashes', async () => {
      // `Algorithm` is a const enum with an empty runtime object; use its declared values.
      const argon2i = await argon2Hash('password', { ...LOWER, algorithm: 1 as Algorithm.Argon2i });
      const argon2d = await argon2Hash('password', { ...LOWER, algorithm: 0 as Algorithm.Argon2d });
      expect(argon2i.startsWith('$argon2i$')).toBe(true);
      expect(argon2d.startsWith('$argon2d$')).toBe(true);
      expect(current.needsRehash(argon2i)).toBe(true);
      expect(current.needsRehash(argon2d)).toBe(true);
      // Still verifiable, so the login that notices can rehash.
      expect(await current.verify(argon2i, 'password')).toBe(true);
    });

    it('is true for another version, output length or anything unparsable', async () => {
      const own = await current.hash('password');
      expect(current.needsRehash(own.replace('$v=19$', '$v=16$'))).toBe(true);
      expect(current.needsRehash(await argon2Hash('password', { ...LOWER, outputLen: 64 }))).toBe(true);
      expect(current.needsRehash('')).toBe(true);
      expect(current.needsRehash('$2b$10$abcdefghijklmnopqrstuu')).toBe(true);
    });
  });

  it('verifyDummy always answers false, even for the dummy password space', async () => {
    expect(await fast.verifyDummy('')).toBe(false);
    expect(await fast.verifyDummy('password')).toBe(false);
  });

  it('verifyDummy costs about what a real verification costs', async () => {
    const hasher = createArgon2Hasher();
    const hash = await hasher.hash('the real password');
    await hasher.verifyDummy('warm up'); // pays for the lazily created dummy hash once
    await hasher.verify(hash, 'warm up');

    const time = async (run: () => Promise<unknown>): Promise<number> => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratios: number[] = [];
    // Up to three rounds: a busy CI machine can spoil one round of medians, but a real timing gap
    // (a dummy that skips argon2, or one that hashes every time) spoils every round.
    for (let round = 0; round < 3; round += 1) {
      const real: number[] = [];
      const dummy: number[] = [];
      // Interleaved, so a slow moment of the machine hits both series alike.
      for (let i = 0; i < 5; i += 1) {
        real.push(await time(() => hasher.verify(hash, `wrong ${i}`)));
        dummy.push(await time(() => hasher.verifyDummy(`wrong ${i}`)));
      }
      const ratio = median(dummy) / median(real);
      ratios.push(ratio);
      if (ratio > 0.5 && ratio < 2) break;
    }
    const last = ratios[ratios.length - 1]!;
    expect(last, `dummy/real time ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeGreaterThan(0.5);
    expect(last, `dummy/real time ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}`).toBeLessThan(2);
  });
});
