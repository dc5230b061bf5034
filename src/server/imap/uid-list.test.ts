// UidList against a plain array model: any sequence of appends and removals gives the same answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UidList } from './uid-list.js';

describe('UidList', () => {
  it('keeps runs as ranges and numbers messages like an array', () => {
    const list = UidList.from([1, 2, 3, 7, 8, 10]);
    expect(list.length).toBe(6);
    expect([...list]).toEqual([1, 2, 3, 7, 8, 10]);
    expect([...list.ranges()]).toEqual([[1, 3], [7, 8], [10, 10]]);
    expect(list.at(4)).toBe(7);
    expect(list.seqOf(10)).toBe(6);
    expect(list.seqOf(5)).toBeUndefined();
    expect(list.remove(2)).toBe(2);
    expect([...list.ranges()]).toEqual([[1, 1], [3, 3], [7, 8], [10, 10]]);
    expect(() => list.push(9)).toThrow(RangeError);
  });

  it('behaves like an array under any appends and removals', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.record({ add: fc.integer({ min: 1, max: 5 }) }), fc.record({ remove: fc.integer({ min: 1, max: 60 }) })), { maxLength: 80 }), (ops) => {
        const list = new UidList();
        const model: number[] = [];
        let next = 1;
        for (const op of ops) {
          if ('add' in op) {
            next += op.add - 1;
            list.push(next);
            model.push(next);
            next++;
          } else {
            const index = model.indexOf(op.remove);
            expect(list.remove(op.remove)).toBe(index === -1 ? undefined : index + 1);
            if (index !== -1) model.splice(index, 1);
          }
          expect(list.length).toBe(model.length);
        }
        expect([...list]).toEqual(model);
        model.forEach((uid, i) => {
          expect(list.at(i + 1)).toBe(uid);
          expect(list.seqOf(uid)).toBe(i + 1);
        });
      }),
    );
  });
});
