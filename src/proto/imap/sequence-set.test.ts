import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expand, formatSequenceSet, hasNumberAbove, MAX_SEQUENCE_NUMBER, parseSequenceSet } from './sequence-set.js';

describe('parseSequenceSet', () => {
  it('parses ranges, single numbers and * (RFC 3501 §9)', () => {
    expect(parseSequenceSet('1:*,5,7:9')).toEqual([
      { start: 1, end: '*' },
      { start: 5, end: 5 },
      { start: 7, end: 9 },
    ]);
    expect(parseSequenceSet('*')).toEqual([{ start: '*', end: '*' }]);
    expect(parseSequenceSet('*:4')).toEqual([{ start: '*', end: 4 }]);
    expect(parseSequenceSet(String(MAX_SEQUENCE_NUMBER))).toEqual([{ start: MAX_SEQUENCE_NUMBER, end: MAX_SEQUENCE_NUMBER }]);
  });

  it.each(['', '0', '1:0', '01', ',', '1,', ',1', '1,,2', '1::2', '1:2:3', 'a', '1 2', '-1', '+1', '1.5', String(MAX_SEQUENCE_NUMBER + 1), '99999999999'])(
    'refuses %j',
    (text) => {
      expect(parseSequenceSet(text)).toBeUndefined();
    },
  );

  it('formats back what it parsed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            start: fc.oneof(fc.integer({ min: 1, max: MAX_SEQUENCE_NUMBER }), fc.constant('*' as const)),
            end: fc.oneof(fc.integer({ min: 1, max: MAX_SEQUENCE_NUMBER }), fc.constant('*' as const)),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (set) => {
          expect(parseSequenceSet(formatSequenceSet(set))).toEqual(set);
        },
      ),
    );
  });
});

describe('expand', () => {
  it('resolves *, reversed ranges, overlaps and numbers above max (RFC 3501 §6.4.8)', () => {
    const set = parseSequenceSet('4:2,3,9:*,20,*');
    expect(set && expand(set, 10)).toEqual([2, 3, 4, 9, 10]);
    expect(set && expand(set, 0)).toEqual([]);
  });

  it('costs what the mailbox holds, not what the client wrote', () => {
    const set = parseSequenceSet(`1:${MAX_SEQUENCE_NUMBER}`);
    expect(set && expand(set, 3)).toEqual([1, 2, 3]);
  });

  it('tells when a number lies above the largest in use', () => {
    const set = parseSequenceSet('1:5,*');
    expect(set && hasNumberAbove(set, 5)).toBe(false);
    expect(set && hasNumberAbove(set, 4)).toBe(true);
  });
});
