// parseIp: node:net's grammar decides what is an address, ipaddr.js reads it, and "::a.b.c.d" stays the address it names.
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseIp } from './parse-ip.js';

describe('parseIp', () => {
  it('reads IPv4 and IPv6, dropping a zone id', () => {
    expect(parseIp('192.0.2.1')?.toString()).toBe('192.0.2.1');
    expect(parseIp('2001:DB8::1')?.toString()).toBe('2001:db8::1');
    expect(parseIp('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(parseIp('::ffff:192.0.2.1')?.toString()).toBe('::ffff:c000:201');
  });

  it('takes only what node:net calls an address, not the shorthands ipaddr.js also reads', () => {
    for (const text of ['127.1', '2130706433', '0x7f.0.0.1', '1.2.3', '999.1.1.1', '', 'localhost', '[::1]', '::1::']) expect(parseIp(text), text).toBeUndefined();
  });

  it('keeps the IPv4-compatible form "::a.b.c.d" in ::/96 (ipaddr.js alone reads it as IPv4-mapped)', () => {
    const address = parseIp('::127.0.0.1');
    expect(address).toBeInstanceOf(ipaddr.IPv6);
    expect((address as ipaddr.IPv6).toNormalizedString()).toBe('0:0:0:0:0:0:7f00:1');
    expect((address as ipaddr.IPv6).isIPv4MappedAddress()).toBe(false);
    expect(parseIp('::7f00:1')?.toString()).toBe(address?.toString());
  });
});
