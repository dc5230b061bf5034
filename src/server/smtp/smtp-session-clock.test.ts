// The SMTP session clock with time passed in: command waits, load, message pauses and rates, progress.
import { describe, expect, it } from 'vitest';
import type { SMTPTimeouts } from './smtp-session-clock.js';
import { SMTPSessionClock } from './smtp-session-clock.js';

const S = 1000;
const LIMITS: SMTPTimeouts = { commandMs: 300 * S, commandUnderLoadMs: 30 * S, dataMs: 180 * S, minDataBytesPerSecond: 1024, progressMs: 600 * S };
const IDLE = { busy: false, underLoad: false };

describe('SMTPSessionClock', () => {
  it('waits 5 minutes for a command from the last reply, however many bytes trickle in meanwhile', () => {
    const clock = new SMTPSessionClock(LIMITS, 0);
    expect(clock.expired(299 * S, IDLE)).toBeUndefined();
    // Bytes of a command that never ends do not move the clock: only our replies do.
    clock.received(1, 100 * S);
    expect(clock.expired(300 * S, IDLE)).toBe('command');
    clock.replied(250, 250 * S);
    expect(clock.expired(549 * S, IDLE)).toBeUndefined();
    expect(clock.expired(550 * S, IDLE)).toBe('command');
  });

  it('waits 30 seconds under load, and never longer than the usual wait', () => {
    const clock = new SMTPSessionClock(LIMITS, 0);
    expect(clock.expired(29 * S, { busy: false, underLoad: true })).toBeUndefined();
    expect(clock.expired(30 * S, { busy: false, underLoad: true })).toBe('command');
    const odd = new SMTPSessionClock({ ...LIMITS, commandMs: 10 * S, commandUnderLoadMs: 60 * S }, 0);
    expect(odd.expired(10 * S, { busy: false, underLoad: true })).toBe('command');
  });

  it('lets nothing run out while a handler of ours is busy', () => {
    const clock = new SMTPSessionClock(LIMITS, 0);
    expect(clock.expired(10_000 * S, { busy: true, underLoad: true })).toBeUndefined();
  });

  it('allows 3-minute pauses in a message, and nothing runs out while we decide on it', () => {
    const clock = new SMTPSessionClock(LIMITS, 0);
    clock.replied(354, 0);
    clock.received(200_000, 170 * S);
    expect(clock.expired(349 * S, IDLE)).toBeUndefined();
    expect(clock.expired(350 * S, IDLE)).toBe('data-pause');
    clock.dataEnded();
    expect(clock.expired(10_000 * S, IDLE)).toBeUndefined();
    clock.replied(250, 10_000 * S);
    expect(clock.expired(10_299 * S, IDLE)).toBeUndefined();
    expect(clock.expired(10_300 * S, IDLE)).toBe('command');
  });

  it('cuts a message that drips in below the minimum rate after its head start, and not one that keeps up', () => {
    const drip = new SMTPSessionClock(LIMITS, 0);
    drip.replied(354, 0);
    // A byte every 100 seconds: never a 3-minute pause, but 2 bytes in 200 seconds.
    for (let t = 100; t <= 200; t += 100) drip.received(1, t * S);
    expect(drip.expired(180 * S, IDLE)).toBeUndefined();
    expect(drip.expired(200 * S, IDLE)).toBe('data-rate');

    const steady = new SMTPSessionClock(LIMITS, 0);
    steady.replied(354, 0);
    // 1100 bytes a second for an hour.
    for (let t = 1; t <= 3600; t++) {
      steady.received(1100, t * S);
      expect(steady.expired(t * S, IDLE)).toBeUndefined();
    }
  });

  it('checks only pauses with a minimum rate of 0', () => {
    const clock = new SMTPSessionClock({ ...LIMITS, minDataBytesPerSecond: 0 }, 0);
    clock.replied(354, 0);
    for (let t = 100; t <= 10_000; t += 100) clock.received(1, t * S);
    expect(clock.expired(10_000 * S, IDLE)).toBeUndefined();
  });

  it('closes a session that keeps us busy without progress, and counts a message, AUTH or DATA as progress', () => {
    const noop = new SMTPSessionClock(LIMITS, 0);
    for (let t = 60; t < 600; t += 60) {
      noop.replied(250, t * S);
      expect(noop.expired(t * S, IDLE)).toBeUndefined();
    }
    noop.replied(250, 600 * S);
    expect(noop.expired(600 * S, IDLE)).toBe('progress');

    const sender = new SMTPSessionClock(LIMITS, 0);
    sender.replied(235, 500 * S);
    sender.replied(250, 900 * S);
    expect(sender.expired(900 * S, IDLE)).toBeUndefined();
    sender.replied(354, 1000 * S);
    sender.received(10, 1000 * S);
    sender.dataEnded();
    sender.replied(250, 1001 * S);
    sender.replied(250, 1590 * S);
    expect(sender.expired(1590 * S, IDLE)).toBeUndefined();
    expect(sender.expired(1601 * S, IDLE)).toBe('progress');
  });

  it('does not count a refused message as progress', () => {
    const clock = new SMTPSessionClock(LIMITS, 0);
    clock.replied(354, 0);
    clock.dataEnded();
    clock.replied(550, 1 * S);
    clock.replied(250, 599 * S);
    expect(clock.expired(600 * S, IDLE)).toBe('progress');
  });
});
