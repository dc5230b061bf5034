// The back-off schedule: doubling from 5 minutes, capped at 4 hours.
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-schedule.js';

describe('retryDelayMs', () => {
  it('doubles from 5 minutes and stops at 4 hours', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(n) / 60_000)).toEqual([5, 10, 20, 40, 80, 160, 240, 240, 240]);
  });
});
