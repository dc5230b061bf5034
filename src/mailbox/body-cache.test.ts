// The body cache: bounded in bytes, least recently used out first, large bodies never kept, and entries that do not pin a larger buffer.
import { describe, expect, it } from 'vitest';
import { BodyCache } from './body-cache.js';

describe('BodyCache', () => {
  it('keeps bodies up to its size, dropping the least recently used first', () => {
    const cache = new BodyCache({ maxBytes: 30, maxEntryBytes: 20 });
    cache.set('a', Buffer.alloc(10, 'a'));
    cache.set('b', Buffer.alloc(10, 'b'));
    cache.set('c', Buffer.alloc(10, 'c'));
    expect(cache.get('a')?.toString()).toBe('a'.repeat(10));
    cache.set('d', Buffer.alloc(10, 'd'));
    // 'b' was the least recently used once 'a' was read again.
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('d')).toBeDefined();
    expect(cache.bytes).toBe(30);
  });

  it('never keeps a body larger than an entry may be', () => {
    const cache = new BodyCache({ maxBytes: 100, maxEntryBytes: 20 });
    cache.set('big', Buffer.alloc(21));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });

  it('keeps a copy, not a view of the buffer it was read from', () => {
    const batch = Buffer.from('first-body|second-body');
    const cache = new BodyCache({ maxBytes: 100, maxEntryBytes: 100 });
    cache.set('x', batch.subarray(0, 10));
    const kept = cache.get('x')!;
    expect(kept.toString()).toBe('first-body');
    batch.fill(0);
    expect(cache.get('x')!.toString()).toBe('first-body');
  });
});

describe('BodyCache turned off', () => {
  it('keeps nothing when its size is 0 (cache.body_cache_mb = 0)', () => {
    const cache = new BodyCache({ maxBytes: 0, maxEntryBytes: 100 });
    cache.set('a', Buffer.alloc(10));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});
