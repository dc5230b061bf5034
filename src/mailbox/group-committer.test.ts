// Group commit: concurrent units share one transaction, each caller settles after its commit, and one failure fails only its own caller.
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../store/index.js';
import { GroupCommitter } from './group-committer.js';

/** A fake transaction runner that records every transaction and what committed. */
function fakeStore(options: { failCommitOnce?: boolean } = {}) {
  const transactions: string[][] = [];
  const committed: string[] = [];
  let failCommit = options.failCommitOnce ?? false;
  const transaction = async <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => {
    const writes: string[] = [];
    const tx = { writes } as unknown as Repositories;
    const result = await work(tx);
    transactions.push(writes);
    if (failCommit) {
      failCommit = false;
      throw new Error('disk I/O error');
    }
    committed.push(...writes);
    return result;
  };
  const write = (tx: Repositories, value: string): void => {
    (tx as unknown as { writes: string[] }).writes.push(value);
  };
  return { transaction, transactions, committed, write };
}

describe('GroupCommitter', () => {
  it('runs units that arrive in the same turn in one transaction, in order, and resolves each with its own result', async () => {
    const f = fakeStore();
    const committer = new GroupCommitter(f.transaction);
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        committer.run(async (tx) => {
          f.write(tx, name);
          return name.toUpperCase();
        }),
      ),
    );
    expect(results).toEqual(['A', 'B', 'C']);
    expect(f.transactions).toEqual([['a', 'b', 'c']]);
  });

  it('a failing unit rejects only its caller; the others commit, each alone after the group failed', async () => {
    const f = fakeStore();
    const committer = new GroupCommitter(f.transaction);
    const outcomes = await Promise.allSettled(
      ['a', 'bad', 'c'].map((name) =>
        committer.run(async (tx) => {
          if (name === 'bad') throw new Error('mailbox gone');
          f.write(tx, name);
          return name;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('mailbox gone'));
    expect(f.committed).toEqual(['a', 'c']);
  });

  it('a failed COMMIT is retried unit by unit, so no caller is told "stored" for a rolled-back write', async () => {
    const f = fakeStore({ failCommitOnce: true });
    const committer = new GroupCommitter(f.transaction);
    const results = await Promise.all(
      ['a', 'b'].map((name) =>
        committer.run(async (tx) => {
          f.write(tx, name);
          return name;
        }),
      ),
    );
    expect(results).toEqual(['a', 'b']);
    expect(f.committed).toEqual(['a', 'b']);
    expect(f.transactions).toEqual([['a', 'b'], ['a'], ['b']]);
  });

  it('units queued while a group runs form the next group; at most maxGroup per transaction', async () => {
    const f = fakeStore();
    const committer = new GroupCommitter(f.transaction, { maxGroup: 2 });
    const late: Array<Promise<string>> = [];
    const first = committer.run(async (tx) => {
      f.write(tx, 'first');
      late.push(...['x', 'y', 'z'].map((name) => committer.run(async (tx2) => (f.write(tx2, name), name))));
      return 'first';
    });
    expect(await first).toBe('first');
    expect(await Promise.all(late)).toEqual(['x', 'y', 'z']);
    expect(f.transactions).toEqual([['first'], ['x', 'y'], ['z']]);
  });
  it('under concurrent load waits gatherMs for units from later event-loop turns; a lone unit does not wait', async () => {
    const f = fakeStore();
    const committer = new GroupCommitter(f.transaction, { gatherMs: 50 });
    const unit = (name: string) => committer.run(async (tx) => (f.write(tx, name), name));
    const started = performance.now();
    expect(await unit('alone')).toBe('alone');
    expect(performance.now() - started).toBeLessThan(40);
    // Three sessions' messages, each from its own macrotask, a few milliseconds apart.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 2));
    await tick();
    const pending = [unit('a')];
    await tick();
    pending.push(unit('b'));
    await tick();
    pending.push(unit('c'));
    expect(await Promise.all(pending)).toEqual(['a', 'b', 'c']);
    expect(f.transactions).toEqual([['alone'], ['a', 'b', 'c']]);
  });
});
