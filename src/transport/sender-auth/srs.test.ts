// SRS0/SRS1 rewriting and reversal: round trips, case folding, forged and expired addresses, the 1024-day wrap.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerKey } from '../../kernel/index.js';
import { SRS, SRS_MAX_AGE_DAYS, srsForward, srsReverse } from './srs.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T10:00:00Z');
const SECRET = randomBytes(32);
const FWD = { secret: SECRET, domain: 'fwd.mailward.test', now: NOW };
const BACK = { secret: SECRET, now: NOW };

describe('SRS', () => {
  it('rewrites a sender to SRS0 and reverses it', () => {
    const rewritten = srsForward('alice@example.org', FWD);
    expect(rewritten).toMatch(/^SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=example\.org=alice@fwd\.mailward\.test$/);
    expect(srsReverse(rewritten, BACK)).toEqual({ ok: true, address: 'alice@example.org' });
    // Local parts with "=" and "+" survive: only the first three "=" separate fields.
    expect(srsReverse(srsForward('a=b+tag@example.org', FWD), BACK)).toEqual({ ok: true, address: 'a=b+tag@example.org' });
  });

  it('keeps the null sender of a bounce and refuses addresses it cannot carry', () => {
    expect(srsForward('', FWD)).toBe('');
    expect(() => srsForward('"quoted local"@example.org', FWD)).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS' }));
    expect(() => srsForward('no-at-sign', FWD)).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS' }));
  });

  it('accepts an address whose case some MTA changed', () => {
    const rewritten = srsForward('Alice@Example.org', FWD);
    expect(srsReverse(rewritten.toLowerCase(), BACK)).toEqual({ ok: true, address: 'alice@example.org' });
    expect(srsReverse(rewritten.toUpperCase(), BACK)).toEqual({ ok: true, address: 'ALICE@EXAMPLE.ORG' });
  });

  it('refuses forged addresses: a changed hash, address or timestamp, or another secret', () => {
    const rewritten = srsForward('alice@example.org', FWD);
    const [, hash = '', stamp = ''] = rewritten.split('=');
    const flip = (c: string): string => (c === 'A' ? 'B' : 'A');
    const forgeries = [
      rewritten.replace(hash, flip(hash[0]!) + hash.slice(1)),
      rewritten.replace('=alice@', '=mallory@'),
      rewritten.replace('=example.org=', '=example.net='),
      rewritten.replace(`=${stamp}=`, `=${stamp[0]}${flip(stamp[1]!)}=`),
      `SRS0=AAAAAAAA=${stamp}=example.org=alice@fwd.mailward.test`,
    ];
    for (const forged of forgeries) expect(srsReverse(forged, BACK), forged).toEqual({ ok: false, reason: 'bad_hash' });
    expect(srsReverse(rewritten, { secret: randomBytes(32), now: NOW })).toEqual({ ok: false, reason: 'bad_hash' });
  });

  it(`expires after ${SRS_MAX_AGE_DAYS} days and refuses stamps from the future`, () => {
    const rewritten = srsForward('alice@example.org', FWD);
    expect(srsReverse(rewritten, { ...BACK, now: NOW + SRS_MAX_AGE_DAYS * DAY }).ok).toBe(true);
    expect(srsReverse(rewritten, { ...BACK, now: NOW + (SRS_MAX_AGE_DAYS + 1) * DAY })).toEqual({ ok: false, reason: 'expired' });
    expect(srsReverse(rewritten, { ...BACK, now: NOW - DAY })).toEqual({ ok: false, reason: 'expired' });
    expect(srsReverse(rewritten, { ...BACK, now: NOW + 3 * DAY, maxAgeDays: 2 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('counts days across the 1024-day wrap of the two-character stamp', () => {
    const dayBeforeWrap = (Math.floor(NOW / DAY / 1024) + 1) * 1024 - 1;
    const made = dayBeforeWrap * DAY + 3_600_000;
    const rewritten = srsForward('alice@example.org', { ...FWD, now: made });
    expect(rewritten).toContain('=77=');
    expect(srsReverse(rewritten, { ...BACK, now: made + 2 * DAY })).toEqual({ ok: true, address: 'alice@example.org' });
  });

  it('tells ordinary and malformed addresses apart from forged ones', () => {
    expect(srsReverse('alice@fwd.mailward.test', BACK)).toEqual({ ok: false, reason: 'not_srs' });
    expect(srsReverse('SRS0=abc@fwd.mailward.test', BACK)).toEqual({ ok: false, reason: 'malformed' });
    expect(srsReverse('SRS0=AAAAAAAA=1!=example.org=alice@fwd.mailward.test', BACK)).toEqual({ ok: false, reason: 'malformed' });
    expect(srsReverse('SRS1=AAAAAAAA=host.example@fwd.mailward.test', BACK)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rewrites another forwarder\'s SRS0 to SRS1 that bounces straight back to that forwarder', () => {
    const theirs = 'SRS0=xYz1=TT=example.org=alice@first.example';
    const ours = srsForward(theirs, FWD);
    expect(ours).toMatch(/^SRS1=[A-Z2-7]{8}=first\.example==xYz1=TT=example\.org=alice@fwd\.mailward\.test$/);
    expect(srsReverse(ours, BACK)).toEqual({ ok: true, address: theirs });

    // Forwarded once more by us (or another hop using our scheme): still points at the first forwarder.
    const again = srsForward(ours.replace('@fwd.mailward.test', '@second.example'), { ...FWD, domain: 'third.mailward.test' });
    expect(again).toMatch(/^SRS1=[A-Z2-7]{8}=first\.example==xYz1=TT=example\.org=alice@third\.mailward\.test$/);
    expect(srsReverse(again, BACK)).toEqual({ ok: true, address: theirs });

    expect(srsReverse(ours.replace('first.example', 'victim.example'), BACK)).toEqual({ ok: false, reason: 'bad_hash' });
  });

  it('round-trips any plain address (property)', () => {
    const local = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,40}$/);
    const domain = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,10}){1,3}$/);
    fc.assert(
      fc.property(local, domain, fc.integer({ min: 0, max: 10 * 365 }), (l, d, days) => {
        fc.pre(!/^SRS[01][=+-]/i.test(l));
        const now = NOW + days * DAY;
        const rewritten = srsForward(`${l}@${d}`, { ...FWD, now });
        expect(srsReverse(rewritten, { secret: SECRET, now: now + 5 * DAY })).toEqual({ ok: true, address: `${l}@${d}` });
      }),
    );
  });

  it('binds to the server key\'s srs purpose key', () => {
    const key = new ServerKey(randomBytes(32));
    const srs = new SRS({ key, domain: 'fwd.mailward.test' });
    const rewritten = srs.forward('alice@example.org', NOW);
    expect(srs.reverse(rewritten, NOW + DAY)).toEqual({ ok: true, address: 'alice@example.org' });
    expect(srsReverse(rewritten, { secret: key.key('srs'), now: NOW }).ok).toBe(true);
    expect(srsReverse(rewritten, { secret: key.key('dkim-encryption'), now: NOW }).ok).toBe(false);
    expect(new SRS({ key, domain: 'fwd.mailward.test', maxAgeDays: 1 }).reverse(rewritten, NOW + 2 * DAY)).toEqual({ ok: false, reason: 'expired' });
  });
});
