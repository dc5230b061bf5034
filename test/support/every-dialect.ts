// One describe per store dialect, each test with a fresh fixture: the loop, the skip and the open/reset/close hooks in one place.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/index.js';
import type { TestDialect, TestStore } from './dialects.js';
import { DIALECTS, dialectUnavailable, openTestStore } from './dialects.js';

/** How a test fixture is opened on one dialect, made fresh for the next test, and closed. */
export interface DialectFixture<F extends object> {
  open(dialect: TestDialect): Promise<F>;
  close(fixture: F): Promise<void>;
  /**
   * Given: one fixture serves the whole describe and this makes it fresh before each test (opening
   * a PostgreSQL schema and migrating it costs far more than emptying one).
   */
  reset?(fixture: F): Promise<unknown>;
  /** Without reset: one fixture for the whole describe (for tests that only read what it holds). */
  shared?: boolean;
}

/** A fresh store per test. */
export const testStore: DialectFixture<TestStore> = {
  open: (dialect) => openTestStore(dialect),
  close: (t) => t.cleanup(),
};

/** One store for all tests of the describe (they only read what a beforeAll put in it). */
export const sharedTestStore: DialectFixture<TestStore> = { ...testStore, shared: true };

/**
 * An object that forwards every use to whatever `get()` returns at that moment: a name a describe
 * body can hold on to for a fixture that only exists while a test runs.
 */
export function live<T extends object>(get: () => T): T {
  const target = (): T => get();
  return new Proxy({} as T, {
    get(_, key) {
      const object = target();
      const value: unknown = Reflect.get(object, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}

/**
 * Registers, in the describe being collected, the hooks that give each of its tests a fresh
 * fixture on `dialect`, and returns a live handle to the current one.
 */
export function useFixture<F extends object>(fixture: DialectFixture<F>, dialect: TestDialect): F {
  let current: F | undefined;
  const open = async (): Promise<void> => {
    current = await fixture.open(dialect);
  };
  const close = async (): Promise<void> => {
    const f = current;
    current = undefined;
    if (f) await fixture.close(f);
  };
  if (fixture.reset || fixture.shared) {
    beforeAll(open);
    afterAll(close);
    const { reset } = fixture;
    if (reset) beforeEach(async () => void (await reset(current!)));
  } else {
    beforeEach(open);
    afterEach(close);
  }
  return live(() => {
    if (!current) throw new Error(`no ${dialect} fixture open here: use it inside a test or a hook`);
    return current;
  });
}

/**
 * `describe(`${title} on ${dialect}`)` for every dialect, skipped (as the global setup reported)
 * where that dialect cannot run. With a fixture, `body` gets a live handle to a fresh one per test.
 */
export function describeOnEveryDialect(title: string, body: (dialect: TestDialect) => void): void;
export function describeOnEveryDialect<F extends object>(title: string, fixture: DialectFixture<F>, body: (f: F, dialect: TestDialect) => void): void;
export function describeOnEveryDialect<F extends object>(
  title: string,
  fixtureOrBody: DialectFixture<F> | ((dialect: TestDialect) => void),
  body?: (f: F, dialect: TestDialect) => void,
): void {
  for (const dialect of DIALECTS) {
    describe.skipIf(dialectUnavailable(dialect))(`${title} on ${dialect}`, () => {
      if (typeof fixtureOrBody === 'function') fixtureOrBody(dialect);
      else body!(useFixture(fixtureOrBody, dialect), dialect);
    });
  }
}

/** The store of a TestStore handle, itself live. */
export function liveStore(t: TestStore): Store {
  return live(() => t.store);
}
