// The structure cache: renderings by blob and item, bounded in characters, least recently used out first, off at size 0.
import { describe, expect, it } from 'vitest';
import { StructureCache } from './structure-cache.js';

describe('StructureCache', () => {
  it('keeps renderings by blob and item, and evicts the least recently read entry first', () => {
    const cache = new StructureCache({ maxChars: 30 });
    cache.set('a', 'envelope', '0123456789');
    cache.set('b', 'envelope', '0123456789');
    cache.set('a', 'bodystructure', '01234');
    expect(cache.get('a', 'envelope')).toBe('0123456789');
    expect(cache.get('b', 'body')).toBeUndefined();
    expect(cache.has('a', 'bodystructure')).toBe(true);
    expect(cache.chars).toBe(25);
    // `a` was read after `b` was written: `b` goes when `c` needs room.
    cache.set('c', 'envelope', '0123456789');
    expect(cache.has('b', 'envelope')).toBe(false);
    expect(cache.get('a', 'bodystructure')).toBe('01234');
    expect(cache.get('c', 'envelope')).toBe('0123456789');
    expect(cache.chars).toBeLessThanOrEqual(30);
    // Replacing a value does not count it twice.
    cache.set('c', 'envelope', 'x');
    expect(cache.chars).toBe(16);
    expect(cache.size).toBe(2);
  });

  it('stays within its bound when everything is read all the time', () => {
    const cache = new StructureCache({ maxChars: 1000 });
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, 'envelope', 'x'.repeat(50));
      for (let j = Math.max(0, i - 30); j <= i; j++) cache.get(`k${j}`, 'envelope');
      expect(cache.chars).toBeLessThanOrEqual(1000);
    }
    expect(cache.has('k499', 'envelope')).toBe(true);
  });

  it('keeps nothing at size 0 (cache.structure_cache_mb = 0)', () => {
    const cache = new StructureCache({ maxChars: 0 });
    cache.set('a', 'envelope', 'x');
    expect(cache.get('a', 'envelope')).toBeUndefined();
    expect(cache.chars).toBe(0);
  });
});
