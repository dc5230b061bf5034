// Whether an IP address is a public unicast address the server may fetch from on a user's behalf (the SSRF guard's address test).
import net from 'node:net';

/**
 * A URL in a mail is the sender's choice. Fetched by the server, a URL to an internal address
 * would reach what only the server can reach: the cloud metadata service (169.254.169.254 hands
 * out credentials), the database, the admin ports on loopback, the office LAN. Every range below
 * is either not routable on the Internet or not a single host.
 */
const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified: connects to the local host on many systems
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 carrier-grade NAT: the provider's side of the network
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. the cloud metadata service
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

/** IPv6 ranges refused outright; those that embed an IPv4 address are decoded instead (below). */
const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48], // local-use NAT64 (RFC 8215)
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: the IPv4 address is obfuscated, and no mail image needs it
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed internally by some)
  ['ff00::', 8], // multicast
];

function blockList(ranges: ReadonlyArray<readonly [string, number]>, type: 'ipv4' | 'ipv6'): net.BlockList {
  const list = new net.BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
  return list;
}

const V4 = blockList(BLOCKED_V4, 'ipv4');
const V6 = blockList(BLOCKED_V6, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 and :: expanded), or undefined when it is not one. */
function groupsOf(address: string): number[] | undefined {
  let host: string;
  try {
    // The WHATWG URL parser normalises every spelling (upper case, dotted tail, zero runs).
    host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = host.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16));
}

function v4Of(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that reach an IPv4
 * host: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 * "::ffff:127.0.0.1" is loopback however it is written.
 */
function embeddedV4(groups: number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return v4Of(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4Of(g6, g7);
  if (g0 === 0x2002) return v4Of(g1 ?? 0, g2 ?? 0);
  return undefined;
}

/** True for a public unicast IPv4 or IPv6 address; false for every internal, special or malformed one. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/%.*$/, ''); // a zone id only ever comes with link-local addresses
  const family = net.isIP(bare);
  if (family === 4) return !V4.check(bare, 'ipv4');
  if (family !== 6) return false;
  const groups = groupsOf(bare);
  if (!groups) return false;
  const v4 = embeddedV4(groups);
  if (v4 !== undefined) return !V4.check(v4, 'ipv4');
  return !V6.check(bare, 'ipv6');
}
