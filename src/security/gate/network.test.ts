// One client, one key: canonical IP text and the /24 and /56 networks that the spraying limit counts by.
import { describe, expect, it } from 'vitest';
import { canonicalIp, hostOf, networkOf } from './network.js';

describe('canonicalIp', () => {
  it('keeps IPv4 as it is', () => {
    expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
  });

  it('turns IPv4-mapped IPv6 (a dual-stack socket) into the plain IPv4 client, in any case', () => {
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('::FFFF:192.0.2.1')).toBe('192.0.2.1');
  });

  it('expands IPv6 fully and in lower case, so every spelling of one address is one key', () => {
    const full = '2001:0db8:0000:0000:0000:0000:0000:0001';
    for (const spelling of ['2001:db8::1', '2001:DB8::1', '2001:db8:0:0:0:0:0:1', '2001:0db8:0000::0001', full]) {
      expect(canonicalIp(spelling)).toBe(full);
    }
    expect(canonicalIp('::1')).toBe('0000:0000:0000:0000:0000:0000:0000:0001');
    expect(canonicalIp('::')).toBe('0000:0000:0000:0000:0000:0000:0000:0000');
    expect(canonicalIp('fe80::')).toBe('fe80:0000:0000:0000:0000:0000:0000:0000');
  });

  it('turns an embedded IPv4 tail into two groups', () => {
    expect(canonicalIp('64:ff9b::192.0.2.1')).toBe('0064:ff9b:0000:0000:0000:0000:c000:0201');
  });

  it('drops zone ids: fe80::1%eth0 and fe80::1%eth1 are the same client address', () => {
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80:0000:0000:0000:0000:0000:0000:0001');
    expect(canonicalIp('FE80::1%eth1')).toBe(canonicalIp('fe80::1'));
  });

  it('keeps the IPv4-compatible form "::a.b.c.d" apart from the IPv4 client it embeds', () => {
    expect(canonicalIp('::192.0.2.1')).toBe('0000:0000:0000:0000:0000:0000:c000:0201');
  });

  it('is idempotent', () => {
    for (const ip of ['192.0.2.1', '::ffff:192.0.2.1', '2001:db8::1', 'fe80::1%eth0', '64:ff9b::192.0.2.1']) {
      expect(canonicalIp(canonicalIp(ip))).toBe(canonicalIp(ip));
    }
  });

  it('leaves text that is no IP address alone (it is still a key, never a crash)', () => {
    expect(canonicalIp('unknown')).toBe('unknown');
    expect(canonicalIp('')).toBe('');
  });
});

describe('networkOf', () => {
  it('counts IPv4 by /24', () => {
    expect(networkOf('192.0.2.1')).toBe('192.0.2.0/24');
    expect(networkOf('192.0.2.255')).toBe('192.0.2.0/24');
    expect(networkOf('192.0.3.1')).toBe('192.0.3.0/24');
    expect(networkOf('10.0.0.1')).not.toBe(networkOf('10.0.1.1'));
  });

  it('puts an IPv4-mapped client in the same /24 as its plain IPv4 form', () => {
    expect(networkOf('::ffff:192.0.2.77')).toBe('192.0.2.0/24');
  });

  it('counts IPv6 by /56 (a typical customer allocation), not by /64 or /128', () => {
    const net = '2001:0db8:0000:1200::/56';
    expect(networkOf('2001:db8:0:1234::1')).toBe(net);
    expect(networkOf('2001:db8:0:1200::')).toBe(net);
    expect(networkOf('2001:db8:0:12ff:ffff:ffff:ffff:ffff')).toBe(net);
    // Many /64s inside one /56: one network.
    expect(networkOf('2001:db8:0:1201::9')).toBe(net);
    // The neighbouring /56s are other networks.
    expect(networkOf('2001:db8:0:1300::1')).toBe('2001:0db8:0000:1300::/56');
    expect(networkOf('2001:db8:0:1100::1')).toBe('2001:0db8:0000:1100::/56');
    expect(networkOf('2001:db8:1:1234::1')).not.toBe(net);
  });

  it('ignores case and zone ids for IPv6 networks', () => {
    expect(networkOf('2001:DB8:0:12AB::1')).toBe('2001:0db8:0000:1200::/56');
    expect(networkOf('fe80::1%eth0')).toBe(networkOf('fe80::2'));
  });

  it('gives text that is no IP address its own bucket', () => {
    expect(networkOf('unknown')).toBe('unknown');
  });

  it('takes other prefixes when told: the /24 and /64 that connection limits count by', () => {
    const perHost = { ipv4Prefix: 24, ipv6Prefix: 64 };
    expect(networkOf('198.51.100.77', perHost)).toBe('198.51.100.0/24');
    expect(networkOf('::ffff:198.51.100.77', perHost)).toBe('198.51.100.0/24');
    expect(networkOf('2001:db8:0:1234:5::1', perHost)).toBe('2001:0db8:0000:1234::/64');
    expect(networkOf('2001:db8:0:1235::1', perHost)).toBe('2001:0db8:0000:1235::/64');
    expect(networkOf('192.0.2.1', { ipv4Prefix: 16 })).toBe('192.0.0.0/16');
  });
});

describe('hostOf', () => {
  it('is the IPv4 address itself, or the /64 of an IPv6 address', () => {
    expect(hostOf('192.0.2.1')).toBe('192.0.2.1');
    expect(hostOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(hostOf('2001:db8:0:1234::1')).toBe('2001:0db8:0000:1234::/64');
    expect(hostOf('2001:db8:0:1234:ffff::9')).toBe(hostOf('2001:db8:0:1234::1'));
  });
});
