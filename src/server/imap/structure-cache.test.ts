import { describe, expect, it } from 'vitest';
import { StructureCache } from './structure-cache.js';

describe('StructureCache', () => {
  it('keeps renderings by blob and item, and evicts the least recently used beyond its bound', () => {
    const cache = new StructureCache(30);
    cache.set('a', 'envelope', '0123456789');
    cache.set('b', 'envelope', '0123456789');
    cache.set('a', 'bodystructure', '01234');
    expect(cache.get('a', 'envelope')).toBe('0123456789');
    expect(cache.get('b', 'body')).toBeUndefined();
    expect(cache.chars).toBe(25);
    // `a` was used last, so `b` goes when `c` needs room.
    cache.set('c', 'envelope', '0123456789');
    expect(cache.get('b', 'envelope')).toBeUndefined();
    expect(cache.get('a', 'bodystructure')).toBe('01234');
    expect(cache.get('c', 'envelope')).toBe('0123456789');
    expect(cache.chars).toBeLessThanOrEqual(30);
    // Replacing a value does not count it twice.
    cache.set('c', 'envelope', 'x');
    expect(cache.chars).toBe(16);
    expect(cache.size).toBe(2);
  });
});
