// The shared per-address and per-network connection caps: counting, release, exemptions and one log line per burst.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostOf, networkOf } from '../../security/index.js';
import type { ConnectionLimiterOptions } from './connection-limiter.js';
import { ConnectionLimiter } from './connection-limiter.js';

function recordingLogger(): ConnectionLimiterOptions['logger'] & { lines: Array<{ level: string; fields: object; message: string }> } {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  const record = (level: string) => (fields: object, message?: string) => lines.push({ level, fields, message: message ?? '' });
  return { lines, warn: record('warn'), info: record('info') } as never;
}

function limiter(options: Partial<ConnectionLimiterOptions> & { perAddress?: number; perNetwork?: number } = {}) {
  const logger = recordingLogger();
  const caps: ConnectionLimiterOptions['caps'] = [
    { scope: 'address', keyOf: hostOf, max: options.perAddress ?? 2 },
    { scope: 'network', keyOf: (ip) => networkOf(ip, { ipv4Prefix: 24, ipv6Prefix: 64 }), max: options.perNetwork ?? 3 },
  ];
  const instance = new ConnectionLimiter({ caps, logger, door: 'smtp', ...options });
  return { instance, logger };
}

describe('ConnectionLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits up to the cap per address, then refuses that address only', () => {
    const { instance } = limiter({ perAddress: 2, perNetwork: 100 });
    expect(instance.admit('192.0.2.1').admitted).toBe(true);
    expect(instance.admit('::ffff:192.0.2.1').admitted).toBe(true);
    expect(instance.admit('192.0.2.1')).toEqual({ admitted: false, scope: 'address', key: '192.0.2.1', max: 2 });
    expect(instance.admit('192.0.2.2').admitted).toBe(true);
    expect(instance.count('address', '192.0.2.1')).toBe(2);
  });

  it('adds the addresses of one /24 together, and of one IPv6 /64', () => {
    const { instance } = limiter({ perAddress: 2, perNetwork: 3 });
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect(instance.admit(ip).admitted).toBe(true);
    expect(instance.admit('198.51.100.4')).toMatchObject({ admitted: false, scope: 'network', key: '198.51.100.0/24' });
    expect(instance.admit('198.51.101.4').admitted).toBe(true);
    for (const ip of ['2001:db8:0:1::1', '2001:db8:0:1::2']) expect(instance.admit(ip).admitted).toBe(true);
    // hostOf counts an IPv6 client by its /64 too: the third from that /64 is over the per-address cap.
    expect(instance.admit('2001:db8:0:1::3')).toMatchObject({ admitted: false, scope: 'address' });
  });

  it('gives slots back once, however often release is called', () => {
    const { instance } = limiter({ perAddress: 1, perNetwork: 10 });
    const first = instance.admit('192.0.2.9');
    if (!first.admitted) throw new Error('refused');
    first.release();
    first.release();
    expect(instance.count('address', '192.0.2.9')).toBe(0);
    expect(instance.count('network', '192.0.2.0/24')).toBe(0);
    const second = instance.admit('192.0.2.9');
    expect(second.admitted).toBe(true);
    expect(instance.admit('192.0.2.9').admitted).toBe(false);
  });

  it('neither refuses nor counts an exempt client', () => {
    const { instance } = limiter({ perAddress: 1, perNetwork: 1, exempt: (ip) => ip === '192.0.2.7' });
    for (let i = 0; i < 5; i++) expect(instance.admit('192.0.2.7').admitted).toBe(true);
    expect(instance.count('network', '192.0.2.0/24')).toBe(0);
    expect(instance.admit('192.0.2.8').admitted).toBe(true);
    expect(instance.admit('192.0.2.7').admitted).toBe(true);
  });

  it('logs the first refusal of a burst as a warning and the count once the burst is quiet', () => {
    const { instance, logger } = limiter({ perAddress: 1, perNetwork: 100, quietMs: 60_000 });
    instance.admit('192.0.2.1');
    for (let i = 0; i < 500; i++) {
      instance.admit('192.0.2.1');
      vi.advanceTimersByTime(100);
    }
    expect(logger.lines).toEqual([
      { level: 'warn', fields: { door: 'smtp', scope: 'address', key: '192.0.2.1', max: 1, client: '192.0.2.1' }, message: expect.stringMatching(/^connection limit reached/) },
    ]);
    vi.advanceTimersByTime(60_000);
    expect(logger.lines.slice(1)).toEqual([{ level: 'info', fields: { door: 'smtp', scope: 'address', key: '192.0.2.1', max: 1, refused: 500 }, message: 'connection limit burst over' }]);
    // A new burst after the quiet period is logged again.
    instance.admit('192.0.2.1');
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    instance.close();
    vi.advanceTimersByTime(120_000);
    expect(logger.lines).toHaveLength(3);
  });

  it('keeps one burst per key: another address refused meanwhile has its own line', () => {
    const { instance, logger } = limiter({ perAddress: 1, perNetwork: 100 });
    instance.admit('192.0.2.1');
    instance.admit('192.0.2.2');
    for (let i = 0; i < 3; i++) {
      instance.admit('192.0.2.1');
      instance.admit('192.0.2.2');
    }
    expect(logger.lines.map((l) => (l.fields as { key: string }).key)).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});
