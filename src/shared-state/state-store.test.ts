// One StateStore conformance suite over MemoryStateStore, SqliteStateStore and PostgresStateStore, plus atomicity across processes and pools.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialectUnavailable } from '../../test/support/dialects.js';
import { openIsolatedTestStore, openPostgresStateStores, openSqliteStateStore } from '../../test/support/account-security-fixture.js';
import type { StateStore } from './state-store.js';
import { addToSlidingWindow, addToWindow } from './state-store.js';
import { MemoryStateStore } from './memory/memory-state-store.js';

const NOW = 1_700_000_000_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT_SQLITE_STATE_STORE = path.join(REPO_ROOT, 'dist', 'store', 'state', 'sqlite-state-store.js');

interface Subject {
  name: string;
  unavailable: boolean;
  open(): Promise<{ state: StateStore; close(): Promise<void> }>;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-state-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const SUBJECTS: Subject[] = [
  {
    name: 'MemoryStateStore',
    unavailable: false,
    open: async () => {
      const state = new MemoryStateStore();
      return { state, close: () => state.close() };
    },
  },
  {
    name: 'SqliteStateStore',
    unavailable: false,
    open: async () => {
      const state = openSqliteStateStore(path.join(tempDir(), 'state.db'));
      return { state, close: () => state.close() };
    },
  },
  {
    name: 'PostgresStateStore',
    unavailable: dialectUnavailable('postgres'),
    open: async () => {
      const t = await openIsolatedTestStore('postgres');
      return { state: t.store.state, close: () => t.cleanup() };
    },
  },
];

const increment = (ttlMs = 60_000) => (current: number | undefined) => ({ value: (current ?? 0) + 1, ttlMs });

const byKey = <T extends { key: string }>(entries: T[]): T[] => [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

for (const subject of SUBJECTS) {
  describe.skipIf(subject.unavailable)(`StateStore conformance: ${subject.name}`, () => {
    let state: StateStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ state, close } = await subject.open());
    });
    afterEach(async () => {
      await close();
    });

    it('answers undefined for a key never written', async () => {
      expect(await state.get('nothing', NOW)).toBeUndefined();
      expect(await state.scan('nothing', NOW)).toEqual([]);
    });

    it('creates with update (the change sees undefined) and reads back JSON values of every shape', async () => {
      const seen: unknown[] = [];
      const values: unknown[] = [42, 'text with ünïcode and "quotes"', true, { count: 3, nested: { list: [1, 'a', null] } }, [1, 2, 3]];
      for (const [i, value] of values.entries()) {
        const returned = await state.update<unknown>(`k${i}`, NOW, (current) => {
          seen.push(current);
          return { value, ttlMs: 60_000 };
        });
        expect(returned).toEqual(value);
        expect(await state.get(`k${i}`, NOW)).toEqual(value);
      }
      expect(seen).toEqual(values.map(() => undefined));
    });

    it('passes the current value to the change and stores what it returns', async () => {
      expect(await state.update('n', NOW, increment())).toBe(1);
      expect(await state.update('n', NOW + 1, increment())).toBe(2);
      expect(await state.update<{ count: number; firstAt: number }>('obj', NOW, () => ({ value: { count: 1, firstAt: NOW }, ttlMs: 1000 }))).toEqual({ count: 1, firstAt: NOW });
      const next = await state.update<{ count: number; firstAt: number }>('obj', NOW + 10, (current) => {
        expect(current).toEqual({ count: 1, firstAt: NOW });
        return { value: { ...current!, count: current!.count + 1 }, ttlMs: 1000 };
      });
      expect(next).toEqual({ count: 2, firstAt: NOW });
      expect(await state.get('n', NOW + 2)).toBe(2);
    });

    it('keeps keys exact: case and neighbours are other keys', async () => {
      await state.update('Key', NOW, () => ({ value: 'upper', ttlMs: 1000 }));
      await state.update('key', NOW, () => ({ value: 'lower', ttlMs: 1000 }));
      expect(await state.get('Key', NOW)).toBe('upper');
      expect(await state.get('key', NOW)).toBe('lower');
      expect(await state.get('key ', NOW)).toBeUndefined();
      expect(await state.get('ke', NOW)).toBeUndefined();
    });

    it('hands out copies: changing a value read back does not change the stored one', async () => {
      await state.update('obj', NOW, () => ({ value: { list: [1] }, ttlMs: 1000 }));
      const read = await state.get<{ list: number[] }>('obj', NOW);
      read!.list.push(2);
      expect(await state.get('obj', NOW)).toEqual({ list: [1] });
    });

    it('deletes when update returns undefined, and delete() removes a key', async () => {
      await state.update('a', NOW, increment());
      await state.update('b', NOW, increment());
      expect(await state.update<number>('a', NOW, () => undefined)).toBeUndefined();
      expect(await state.get('a', NOW)).toBeUndefined();
      // A change that sees undefined after the delete proves the row is gone, not merely hidden.
      expect(await state.update('a', NOW, increment())).toBe(1);
      expect(await state.update<number>('never', NOW, () => undefined)).toBeUndefined();
      expect(await state.get('never', NOW)).toBeUndefined();
      await state.delete('b');
      await state.delete('not-there');
      expect(await state.get('b', NOW)).toBeUndefined();
      expect((await state.scan('', NOW)).map((e) => e.key)).toEqual(['a']);
    });

    it('expires by the `now` it is given, never by the wall clock', async () => {
      await state.update('t', NOW, () => ({ value: 'v', ttlMs: 1000 }));
      expect(await state.get('t', NOW + 500)).toBe('v');
      expect(await state.get('t', NOW + 999)).toBe('v');
      expect(await state.get('t', NOW + 1000)).toBeUndefined();
      // Far in the past relative to the wall clock, but live by the `now` passed.
      await state.update('old', 1000, () => ({ value: 'ancient', ttlMs: 10 }));
      expect(await state.get('old', 1005)).toBe('ancient');
      expect(await state.get('old', 1010)).toBeUndefined();
    });

    it('treats an expired entry as absent in update, and a new update starts a new lifetime', async () => {
      await state.update('c', NOW, () => ({ value: 5, ttlMs: 1000 }));
      let seen: number | undefined = -1;
      expect(
        await state.update<number>('c', NOW + 1000, (current) => {
          seen = current;
          return { value: (current ?? 0) + 1, ttlMs: 1000 };
        }),
      ).toBe(1);
      expect(seen).toBeUndefined();
      expect(await state.get('c', NOW + 1499)).toBe(1);
      // Refreshing before expiry (due at NOW + 2000) extends it.
      expect(await state.update('c', NOW + 1500, increment(1000))).toBe(2);
      expect(await state.get('c', NOW + 2400)).toBe(2);
      expect(await state.get('c', NOW + 2500)).toBeUndefined();
    });

    it('scans live entries by prefix, with their expiry', async () => {
      const keys = ['throttle:pair:a', 'throttle:pair:b', 'throttle:network:x', 'throttle:', 'throttlex', 'volume:smtp:1', 'throttle:pair:ü', 'throttle:pair:\u{1F600}'];
      for (const key of keys) await state.update(key, NOW, () => ({ value: key.length, ttlMs: 5000 }));
      await state.update('throttle:pair:short', NOW, () => ({ value: 0, ttlMs: 10 }));

      expect((await state.scan('throttle:pair:', NOW)).map((e) => e.key)).toContain('throttle:pair:short');
      const pairs = byKey(await state.scan<number>('throttle:pair:', NOW + 100));
      expect(pairs).toEqual(
        byKey(
          ['throttle:pair:a', 'throttle:pair:b', 'throttle:pair:ü', 'throttle:pair:\u{1F600}'].map((key) => ({ key, value: key.length, expiresAt: NOW + 5000 })),
        ),
      );
      expect(byKey(await state.scan('throttle:', NOW + 100)).map((e) => e.key)).toEqual(
        byKey(keys.filter((k) => k.startsWith('throttle:')).map((key) => ({ key }))).map((e) => e.key),
      );
      expect((await state.scan('', NOW + 100)).length).toBe(keys.length);
      expect(await state.scan('throttle:pair:', NOW + 5000)).toEqual([]);
      // LIKE/GLOB wildcards in a prefix are plain characters.
      await state.update('p%q', NOW, increment());
      await state.update('p_q', NOW, increment());
      expect((await state.scan('p%', NOW)).map((e) => e.key)).toEqual(['p%q']);
      expect((await state.scan('p_', NOW)).map((e) => e.key)).toEqual(['p_q']);
    });

    it('leaves the value alone when the change throws', async () => {
      await state.update('keep', NOW, () => ({ value: 7, ttlMs: 1000 }));
      await expect(
        state.update<number>('keep', NOW, () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await state.get('keep', NOW)).toBe(7);
      await expect(
        state.update<number>('fresh', NOW, () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await state.get('fresh', NOW)).toBeUndefined();
      expect((await state.scan('fresh', NOW)).length).toBe(0);
    });

    it('loses no increment when 100 updates of one key run at once', async () => {
      const returned = await Promise.all(Array.from({ length: 100 }, () => state.update('counter', NOW, increment())));
      expect(await state.get('counter', NOW)).toBe(100);
      expect([...returned].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });
  });
}

describe('SqliteStateStore across processes', () => {
  beforeAll(() => {
    if (!fs.existsSync(BUILT_SQLITE_STATE_STORE)) {
      spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
    }
    if (!fs.existsSync(BUILT_SQLITE_STATE_STORE)) throw new Error(`${BUILT_SQLITE_STATE_STORE} is missing and npm run build did not make it`);
  }, 120_000);

  /** A child that opens the file, says "ready", waits for a line on stdin, then increments `counter` `times` times. */
  const CHILD = `
    const { SqliteStateStore } = await import(process.env.MODULE_URL);
    const store = new SqliteStateStore(process.env.STATE_FILE);
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const now = Number(process.env.NOW);
    const seen = [];
    for (let i = 0; i < Number(process.env.TIMES); i++) {
      seen.push(await store.update('counter', now, (current) => ({ value: (current ?? 0) + 1, ttlMs: 3600000 })));
    }
    await store.close();
    process.stdout.write(JSON.stringify(seen) + '\\n');
    process.stdin.destroy();
  `;

  function child(file: string, times: number): { ready: Promise<void>; go(): void; done: Promise<number[]> } {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: REPO_ROOT,
      env: { ...process.env, MODULE_URL: pathToFileURL(BUILT_SQLITE_STATE_STORE).href, STATE_FILE: file, NOW: String(NOW), TIMES: String(times) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) markReady();
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => (err += chunk));
    const done = new Promise<number[]>((resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (code) => {
        if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
        resolve(JSON.parse(out.slice('ready\n'.length)) as number[]);
      });
    });
    // A child that dies before "ready" must fail the test, not hang it.
    void done.catch(() => markReady());
    return { ready, go: () => proc.stdin.write('go\n'), done };
  }

  it('two processes doing 500 increments each on one file end at exactly 1000, every step seen once', async () => {
    const file = path.join(tempDir(), 'state.db');
    const children = [child(file, 500), child(file, 500)];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const [a, b] = await Promise.all(children.map((c) => c.done));
    const state = openSqliteStateStore(file);
    try {
      expect(await state.get('counter', NOW)).toBe(1000);
    } finally {
      await state.close();
    }
    expect(a).toHaveLength(500);
    expect(b).toHaveLength(500);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  }, 30_000);
});

describe.skipIf(dialectUnavailable('postgres'))('PostgresStateStore across pools', () => {
  let stores: Awaited<ReturnType<typeof openPostgresStateStores>>;
  beforeEach(async () => {
    stores = await openPostgresStateStores(2);
  });
  afterEach(async () => {
    await stores.cleanup();
  });

  it('200 concurrent increments through two store instances end at exactly 200', async () => {
    const [one, two] = stores.states as [StateStore, StateStore];
    const returned = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? one : two).update('counter', NOW, increment())));
    expect(await one.get('counter', NOW)).toBe(200);
    expect(await two.get('counter', NOW)).toBe(200);
    expect([...returned].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('an update whose row is deleted by another transaction while it waits for the lock still stores its value', async () => {
    const [state] = stores.states as [StateStore];
    await state.update('raced', NOW, () => ({ value: 1, ttlMs: 60_000 }));
    const other = new pg.Client({ connectionString: stores.url, options: `-c search_path=${stores.schema}` });
    const watcher = new pg.Client({ connectionString: stores.url });
    await other.connect();
    await watcher.connect();
    try {
      // Another node holds the row (as a concurrent update or delete would) and is about to delete it.
      await other.query('begin');
      await other.query('select key from shared_state where key = $1 for update', ['raced']);
      const { rows: xid } = await other.query<{ xid: string }>('select pg_current_xact_id()::xid::text as xid');
      const pending = state.update<number>('raced', NOW, (current) => ({ value: (current ?? 0) + 10, ttlMs: 60_000 }));
      // Wait until our update is blocked behind that lock.
      for (let i = 0; ; i++) {
        const { rows } = await watcher.query<{ n: number }>(
          "select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid' and transactionid::text = $1",
          [xid[0]!.xid],
        );
        if (rows[0]!.n > 0) break;
        if (i > 200) throw new Error('the update never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query('delete from shared_state where key = $1', ['raced']);
      await other.query('commit');
      const returned = await pending;
      expect(returned).toBe(10);
      expect(await state.get('raced', NOW)).toBe(10);
    } finally {
      await other.query('rollback').catch(() => undefined);
      await other.end();
      await watcher.end();
    }
  });
});

describe('addToSlidingWindow', () => {
  const HOUR = 3600_000;
  const MINUTE = 60_000;
  /** The turn of an hour (UTC), where a fixed window starts afresh. */
  const TURN = Date.UTC(2025, 0, 15, 11, 0, 0);
  let state: MemoryStateStore;
  beforeEach(() => {
    state = new MemoryStateStore();
  });
  afterEach(async () => {
    await state.close();
  });
  const add = (now: number, amount = 1): Promise<number> => addToSlidingWindow(state, { key: 'k', spanMs: HOUR, now, amount });

  it('counts a burst across the turn of an hour in one window, where a fixed window counts it twice', async () => {
    const fixed = (now: number): Promise<number> => addToWindow(state, { key: 'fixed', spanMs: HOUR, now });
    for (const now of [TURN - 2 * MINUTE, TURN - MINUTE, TURN - 1]) {
      await add(now);
      await fixed(now);
    }
    expect(await add(TURN + MINUTE)).toBe(4);
    expect(await fixed(TURN + MINUTE)).toBe(1);
  });

  it('slides: each message leaves the total an hour after it came, not all of them at a turn', async () => {
    expect(await add(TURN - 30 * MINUTE)).toBe(1);
    expect(await add(TURN - 10 * MINUTE, 2)).toBe(3);
    expect(await add(TURN + 20 * MINUTE)).toBe(4);
    // An hour after the first message only it has left.
    expect(await add(TURN + 30 * MINUTE)).toBe(4);
    expect(await add(TURN + 50 * MINUTE)).toBe(3);
    expect(await add(TURN + 3 * HOUR)).toBe(1);
  });

  it('never counts a message older than the span, and always one younger than the span minus a slice', async () => {
    for (const offset of [0, 1, 59_999, 30_000]) {
      const start = TURN + offset;
      const key = `edge-${offset}`;
      await addToSlidingWindow(state, { key, spanMs: HOUR, now: start });
      expect(await addToSlidingWindow(state, { key, spanMs: HOUR, now: start + HOUR - MINUTE, amount: 0 })).toBe(1);
      expect(await addToSlidingWindow(state, { key, spanMs: HOUR, now: start + HOUR, amount: 0 })).toBe(0);
    }
  });

  it('keeps at most one counter per slice, and lets the entry expire once its newest slice has left', async () => {
    for (let minute = 0; minute < 180; minute++) await add(TURN + minute * MINUTE + 1_000);
    const value = await state.get<Array<[number, number]>>('k', TURN + 180 * MINUTE);
    expect(value).toHaveLength(60);
    expect(await state.get('k', TURN + 179 * MINUTE + HOUR + 2 * MINUTE)).toBeUndefined();
  });

  it('keeps a slice a little ahead of its clock (another node), and starts afresh on a value it does not know', async () => {
    await add(TURN + 5 * MINUTE);
    expect(await add(TURN)).toBe(2);
    await state.update('k', TURN, () => ({ value: 'junk', ttlMs: HOUR }));
    expect(await add(TURN)).toBe(1);
  });
});
